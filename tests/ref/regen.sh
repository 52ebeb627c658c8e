#!/bin/sh
# regen.sh - recompute the pinned pandas references in tests/ref/ from
# tests/ref/cases.txt and rewrite tests/ref/README.md with the exact commands.
# Run from anywhere; uses /usr/bin/python3 with Debian's python3-pandas.
set -eu
export LC_ALL=C TZ=UTC
cd "$(dirname "$0")/../.."
readme=tests/ref/README.md
{
  echo "# Pinned statistics references"
  echo
  echo "Each \`NAME.json\` here is the deep dive of one pair computed by pandas"
  echo "(\`tests/ref/reference.py\`, independent of convex's C code), and"
  echo "\`tests/e2e/20-stats-reference.sh\` compares \`convex stats --json\` with it"
  echo "number by number at 1e-9. Made with pandas $(/usr/bin/python3 -c 'import pandas; print(pandas.__version__)') and numpy $(/usr/bin/python3 -c 'import numpy; print(numpy.__version__)') by \`tests/ref/regen.sh\`"
  echo "from \`tests/ref/cases.txt\`, with these exact commands (run in the"
  echo "repository root):"
  echo
  echo '```'
} > "$readme"
grep -v '^#' tests/ref/cases.txt | while read -r name file pair opts; do
  [ -n "$name" ] || continue
  # shellcheck disable=SC2086
  cmd="/usr/bin/python3 tests/ref/reference.py --prices $file --pair $pair${opts:+ $opts}"
  $cmd > "tests/ref/$name.json"
  echo "$cmd > tests/ref/$name.json" >> "$readme"
done
echo '```' >> "$readme"

#!/bin/sh
# 72-help-man.sh - every command answers --help (exit 0, stdout, nothing on
# stderr); --version is GNU-style; the man page formats without a warning
# and mentions every command, every option any --help lists, every exit
# status and every environment variable of `convex --help`.
. "$(dirname "$0")/../lib/assert.sh"
man=$REPO/docs/convex.1

run_convex --help
expect_rc 0 "convex --help: exit 0"
check "convex --help: usage on stdout" sh -c "printf '%s' \"\$1\" | head -n 1 | grep -q '^Usage: convex'" _ "$out"
check "convex --help: nothing on stderr" [ -z "$err" ]
printf '%s\n' "$out" > "$TMP/help-main"
cmds=$(printf '%s\n' "$out" | sed -n '/^Commands:/,/^$/p' | awk 'NF > 1 { print $1 }')
check "convex --help lists 10 commands" [ "$(printf '%s\n' "$cmds" | wc -l)" -eq 10 ]

run_convex --version
expect_rc 0 "convex --version: exit 0"
expect_out "convex 0.1.0"
expect_out "There is NO WARRANTY"

for c in $cmds; do
  run_convex "$c" --help
  expect_rc 0 "convex $c --help: exit 0"
  check "convex $c --help: usage on stdout" sh -c "printf '%s' \"\$1\" | grep -q '^Usage: convex $c'" _ "$out"
  check "convex $c --help: nothing on stderr" [ -z "$err" ]
  printf '%s\n' "$out" > "$TMP/help-$c"
done

# The global options work after the command too.
run_convex check --help -q
expect_rc 0 "a global option after the command is accepted"
run_convex --log-format xml check x
expect_rc 64 "--log-format xml: exit 64"

# The man page: no groff warning, then its plain text.
groff -man -Tutf8 -ww "$man" > /dev/null 2> "$TMP/groff.err"
check "groff -ww: no warning" [ ! -s "$TMP/groff.err" ]
cat "$TMP/groff.err"
groff -man -Tascii -P-cbou "$man" 2> /dev/null > "$TMP/man.txt"
if command -v man > /dev/null; then
  MANWIDTH=80 man -l "$man" > /dev/null 2> "$TMP/man.err"
  check "man -l: no error" [ ! -s "$TMP/man.err" ]
fi
for c in $cmds; do
  check "man page has command $c" grep -qE "^ {7}$c( |$)" "$TMP/man.txt"
done
# Every option of every --help ("-x", "--long") is in the man page.
opts=$(cat "$TMP"/help-* | grep -oE '(^|[][ ,|])--?[a-zA-Z][a-zA-Z0-9-]*' | sed 's/^[][ ,|]*//' | sort -u)
check "--help texts list at least 25 options" [ "$(printf '%s\n' "$opts" | wc -l)" -ge 25 ]
for o in $opts; do
  check "man page mentions $o" grep -qE -- "(^|[^a-zA-Z0-9-])$o([^a-zA-Z0-9-]|$)" "$TMP/man.txt"
done
for code in 0 3 64 65 66 69 70 73 74 75 76 77 78; do
  check "man page documents exit status $code" grep -qE "^ {7}$code( |$)" "$TMP/man.txt"
  check "convex --help lists exit status $code" grep -qE "(^| )$code  " "$TMP/help-main"
done
for v in $(grep -oE '^  [A-Z_]{4,}' "$TMP/help-main"); do
  check "man page documents $v" grep -qE "^ {7}$v( |$)" "$TMP/man.txt"
done
finish

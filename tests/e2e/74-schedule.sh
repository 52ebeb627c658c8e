#!/bin/sh
# 74-schedule.sh - the scheduling examples in jobs/schedule/: the YAML files
# parse and say what they must (schedule, Forbid, Indexed, matrix, secrets,
# artifacts), the systemd units pass `systemd-analyze verify` (skipped,
# visibly, without it), the crontab line is well-formed, and every job path
# the examples use passes `convex check`.
. "$(dirname "$0")/../lib/assert.sh"
dir=$REPO/jobs/schedule

/usr/bin/python3 - "$dir" > "$TMP/yaml.out" 2>&1 <<'PY'
import sys, yaml
d = sys.argv[1]
bad = []
def want(c, w):
    print(("ok   " if c else "BAD  ") + w)
    if not c: bad.append(w)
gh = yaml.safe_load(open(d + "/github-actions.yml"))
on = gh.get("on", gh.get(True))        # YAML 1.1 reads the key on as true
want("schedule" in on and on["schedule"][0]["cron"].count(" ") == 4, "gh: on.schedule cron")
steps = gh["jobs"]["run"]["steps"]
want(any(s.get("run") == "sudo scripts/deps.sh build && make" for s in steps), "gh: installs with the README's command")
want(any("upload-artifact" in s.get("uses", "") and ".pdf" in s["with"]["path"] for s in steps), "gh: uploads the PDFs")
want(any("secrets.SMTP_PASSWORD" in str(s.get("env", "")) for s in steps), "gh: SMTP secrets as env")
ghs = yaml.safe_load(open(d + "/github-actions-sharded.yml"))
want(ghs["jobs"]["shard"]["strategy"]["matrix"]["k"] == [1, 2, 3, 4], "gh sharded: matrix k 1..4")
want(ghs["jobs"]["merge"]["needs"] == "shard", "gh sharded: merge needs the shards")
docs = list(yaml.safe_load_all(open(d + "/k8s-cronjob.yaml")))
cj = [x for x in docs if x["kind"] == "CronJob"][0]
want(cj["spec"]["concurrencyPolicy"] == "Forbid", "k8s: concurrencyPolicy Forbid")
pod = cj["spec"]["jobTemplate"]["spec"]["template"]["spec"]
env = pod["containers"][0]["env"]
want(all("secretKeyRef" in e["valueFrom"] for e in env) and len(env) == 3, "k8s: secrets as env vars")
want(any("persistentVolumeClaim" in v for v in pod["volumes"]) and any(x["kind"] == "PersistentVolumeClaim" for x in docs), "k8s: a PVC")
ij = [x for x in yaml.safe_load_all(open(d + "/k8s-indexed-job.yaml")) if x["kind"] == "Job"]
want(ij[0]["spec"]["completionMode"] == "Indexed", "k8s: Indexed Job")
want("JOB_COMPLETION_INDEX + 1))/4" in ij[0]["spec"]["template"]["spec"]["containers"][0]["args"][0]
     and ij[0]["spec"]["completions"] == 4, "k8s: --shard from JOB_COMPLETION_INDEX, N = completions")
want(" merge " in ij[1]["spec"]["template"]["spec"]["containers"][0]["args"][0], "k8s: a merge Job")
sys.exit(1 if bad else 0)
PY
rc=$?
cat "$TMP/yaml.out"
check "YAML examples parse and carry the required settings" [ "$rc" -eq 0 ]

# crontab: one entry, five time fields, the quiet flag, no flock.
line=$(grep -vE '^(#|$|[A-Z_]+=)' "$dir/crontab")
check "crontab: exactly one entry" [ "$(printf '%s\n' "$line" | wc -l)" -eq 1 ]
check "crontab: five time fields" sh -c "printf '%s' \"\$1\" | grep -qE '^[0-9*,/-]+( +[0-9*,/a-zA-Z-]+){4} +'" _ "$line"
check "crontab: quiet run" sh -c "printf '%s' \"\$1\" | grep -q 'convex -q run'" _ "$line"
check "crontab: no flock" sh -c "! grep -q '^[^#]*flock' '$dir/crontab'"
check "crontab: MAILTO set" grep -q '^MAILTO=' "$dir/crontab"

# systemd: the service and the timer, with ExecStart pointing at the binary
# under test (verify checks that the program exists).
if command -v systemd-analyze > /dev/null 2>&1; then
  mkdir -p "$TMP/units"
  sed "s|/usr/local/bin/convex|$CONVEX|" "$dir/convex-newsletter.service" > "$TMP/units/convex-newsletter.service"
  cp "$dir/convex-newsletter.timer" "$TMP/units/"
  (cd "$TMP/units" && SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no convex-newsletter.service convex-newsletter.timer) > "$TMP/verify.out" 2>&1
  vrc=$?
  cat "$TMP/verify.out"
  check "systemd-analyze verify: exit 0" [ "$vrc" -eq 0 ]
  check "systemd-analyze verify: no complaint" sh -c "! grep -qiE 'unknown|invalid|failed|ignoring' '$TMP/verify.out'"
else
  echo "SKIPPED: systemd-analyze not installed; the units were not verified"
  echo "skip ${TALLY_PREFIX:-e2e}:$TEST_NAME: systemd-analyze verify (not installed)" >> "$TALLY"
fi
for k in Type=oneshot Persistent=true ProtectSystem=strict ReadWritePaths=/var/lib/convex NoNewPrivileges=yes; do
  check "systemd units: $k" grep -q "^$k" "$dir/convex-newsletter.service" "$dir/convex-newsletter.timer"
done

# Every job the examples name passes convex check: /etc/convex/ is where
# the examples install jobs/ (demo.xml and demo/).
for j in $(grep -ohE '(/etc/convex/|jobs/)[a-z0-9_-]+\.xml' "$dir"/* | sort -u); do
  case "$j" in /etc/convex/*) f=$REPO/jobs/${j#/etc/convex/} ;; *) f=$REPO/$j ;; esac
  run_convex check "$f"
  expect_rc 0 "convex check $j (as $f)"
done
finish

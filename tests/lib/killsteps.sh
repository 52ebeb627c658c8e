# killsteps.sh - kill -9 at every step of a message's life, then rerun;
# sourced by 52-mail-kill-steps (aiosmtpd) and 54-mail-postfix-faults
# (Postfix) after mail.sh. The caller defines:
#   srv_url            the relay's smtp:// URL
#   srv_for ADDR       messages the relay delivered to ADDR (final)
#   srv_msgids ADDR    the Message-ID lines of those messages
#   srv_settle         wait until srv_for is final
#   srv_reset          forget what the relay delivered so far
#   srv_same_bytes ADDR  (optional) ADDR's copies are byte-identical
# Subscribers user1..user$KS_N@example.org, one connection (so that the
# second message is the second one the relay sees).
KS_N=${KS_N:-6}

ks_subscribers() {
  i=1; : > "$TMP/subscribers.csv"
  while [ $i -le $KS_N ]; do echo "user$i@example.org,User $i,SBI/SPI" >> "$TMP/subscribers.csv"; i=$((i+1)); done
  : > "$TMP/suppression.txt"
}

# ks_step STEP AFTER DUP: kill at STEP (the AFTER+1th time), rerun; DUP is
# the one address allowed (and required) to get two copies, or "".
ks_step() {
  step=$1 after=$2 dup=$3
  LEDGER=$TMP/ks-$step.sqlite ARCH=$TMP/ks-arch-$step
  srv_reset
  write_job "$TMP/ks-$step.xml" "<smtp url=\"$(srv_url)\" ca-file=\"$TMP/cert.pem\" timeout=\"10\" connections=\"1\"/>"
  CONVEX_TEST_KILL_AT=$step CONVEX_TEST_KILL_AFTER=$after run_convex send "$RUN" --job "$TMP/ks-$step.xml"
  check "$step: killed there (exit 137)" test "$rc" -eq 137
  run_convex send "$RUN" --job "$TMP/ks-$step.xml"
  expect_rc 0 "$step: the rerun finishes, exit 0"
  cp "$TMP/.err" "$TMP/ks-$step.err"
  srv_settle
  ok=1 i=1
  while [ $i -le $KS_N ]; do
    a=user$i@example.org n=$(srv_for "$a")
    if [ "$a" = "$dup" ]; then
      [ "$n" -eq 2 ] || { echo "$step: $a has $n messages, expected the one duplicate"; ok=0; }
    else
      [ "$n" -eq 1 ] || { echo "$step: $a has $n messages"; ok=0; }
    fi
    i=$((i+1))
  done
  check "$step: nothing lost, nothing twice${dup:+ but $dup}" test $ok -eq 1
  if [ -n "$dup" ]; then
    check "$step: the duplicate was announced by the rerun" \
      grep -q "$dup: the last run stopped inside its SMTP transaction; sending again with the same Message-ID" "$TMP/ks-$step.err"
    check "$step: both copies carry the same Message-ID" test "$(srv_msgids "$dup" | sort -u | wc -l)" -eq 1
    if command -v srv_same_bytes > /dev/null; then
      check "$step: both copies are byte-identical" srv_same_bytes "$dup"
    fi
  fi
  check "$step: manifest = archive = ledger" $PY "$TESTS_DIR/lib/check_archive.py" "$LEDGER" "$ARCH-mail/2007/05/08"
  check "$step: every row sent" test "$(ledger_q "select count(*) from delivery where status='sent'")" -eq $KS_N
}

# Every step of a message's life, in the order a message meets them.
ks_all_steps() {
  ks_step queued 0 ""
  ks_step before-data 1 ""
  ks_step after-250 1 user2@example.org
  ks_step after-rename 1 ""
  ks_step after-commit 0 ""
  ks_step after-manifest 0 ""
}

# ks_random TRIALS NAME: kill -9 a batch of KS_RN (20) messages at a
# random moment of its sending - once a random number k in 1..KS_RN-1 of
# them is archived (seeded by $SEED, printed; polled, so the kill lands
# anywhere in the next message's transaction) - then rerun: nothing lost,
# every duplicate announced by the rerun, manifest = archive = ledger.
# Prints how many trials duplicated (the duplicate window).
ks_random() {
  KS_RN=${KS_RN:-20}
  KS_N=$KS_RN ks_subscribers
  SEED=${SEED:-$(date +%s)}
  echo "random kills: seed $SEED"
  marks=$($PY -c "import random; r = random.Random($SEED); print(' '.join(str(r.randint(1, $KS_RN - 1)) for _ in range($1)))")
  trial=0 dups=0 dup_trials=0 lost=0 silent=0 exact=0
  for k in $marks; do
    trial=$((trial + 1))
    LEDGER=$TMP/rk-$trial.sqlite ARCH=$TMP/rk-arch-$trial
    srv_reset
    write_job "$TMP/rk.xml" "<smtp url=\"$(srv_url)\" ca-file=\"$TMP/cert.pem\" timeout=\"10\"/>"
    "$CONVEX" send "$RUN" --job "$TMP/rk.xml" > /dev/null 2>&1 &
    pid=$!
    i=0
    while [ "$(ls "$ARCH-mail"/2007/05/08/ 2>/dev/null | grep -c '^[^.].*\.eml$')" -lt "$k" ] &&
          kill -0 $pid 2>/dev/null && [ $i -lt 3000 ]; do i=$((i + 1)); done
    kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
    before=$(ls "$ARCH-mail"/2007/05/08/*.eml 2>/dev/null | wc -l)
    run_convex send "$RUN" --job "$TMP/rk.xml"
    [ "$rc" -eq 0 ] || { echo "trial $trial: rerun exit $rc: $err"; lost=$((lost + 1)); }
    srv_settle
    n_dup=0 i=1
    while [ $i -le $KS_RN ]; do
      a=user$i@example.org n=$(srv_for "$a")
      [ "$n" -ge 1 ] || { echo "trial $trial: $a lost"; lost=$((lost + 1)); }
      if [ "$n" -gt 1 ]; then
        n_dup=$((n_dup + n - 1))
        grep -q "$a: the last run .*sending again with the same Message-ID" "$TMP/.err" ||
          { echo "trial $trial: $a doubled without a word"; silent=$((silent + 1)); }
      fi
      i=$((i + 1))
    done
    $PY "$TESTS_DIR/lib/check_archive.py" "$LEDGER" "$ARCH-mail/2007/05/08" > /dev/null || exact=$((exact + 1))
    [ $n_dup -gt 0 ] && dup_trials=$((dup_trials + 1))
    dups=$((dups + n_dup))
    echo "trial $trial: killed after $k archived ($before at the kill), $n_dup duplicate(s)"
  done
  echo "random kills against $2: $dup_trials of $trial trials produced a duplicate ($dups in all), each announced"
  check "$2 random kills: nothing lost in $trial trials" test $lost -eq 0
  check "$2 random kills: every duplicate announced" test $silent -eq 0
  check "$2 random kills: manifest = archive = ledger after every rerun" test $exact -eq 0
}

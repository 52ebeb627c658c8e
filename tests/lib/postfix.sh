# postfix.sh - a private Postfix instance for the tests (Debian's postfix
# package; the system's own instance, /etc/postfix and /var/spool/postfix
# are never touched). Sourced after assert.sh (uses $TMP, at_exit) by
# tests that want a real MTA rather than tests/lib/smtpd.py.
#
#   pf_start [CERT KEY]   a new instance under $PF_DIR listening on
#                         127.0.0.1:$PF_PORT (SMTP, STARTTLS offered with
#                         CERT/KEY, default $TMP/cert.pem and $TMP/key.pem;
#                         makes them when missing). Every address of
#                         $PF_DOMAINS (default example.org example.net
#                         example.com) is delivered by virtual(8) to the
#                         one Maildir $PF_MAIL/all/ (virtual refuses
#                         regexp substitution in mailbox paths), each
#                         message with its Delivered-To line. Stopped at exit.
#   pf_stop / pf_restart  stop (and start again, same port and queue)
#   pf_count              messages delivered so far (all Maildirs)
#   pf_for ADDR           messages delivered to ADDR
#   pf_settle [SECONDS]   wait (bounded, default 30 s) until the queue is
#                         empty, so that pf_count is final
#   pf_log                the instance's log ($PF_DIR/maillog)
#
# Needs root (Postfix's master runs as root and drops to the postfix user);
# pf_available says whether it can run here, so a test can skip.
# The instance's directories live under /tmp (mode 755, the postfix user
# must reach its queue), not under the test's private $TMP.
PF_DOMAINS=${PF_DOMAINS:-example.org example.net example.com}

pf_available() {
  [ "$(id -u)" -eq 0 ] && [ -x /usr/sbin/postfix ] && id postfix >/dev/null 2>&1
}

_pf_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

_pf_config() {
  conf=$PF_DIR/etc
  mkdir -p "$conf" "$PF_DIR/queue" "$PF_DIR/data" "$PF_MAIL"
  chown postfix:postfix "$PF_DIR/data" "$PF_MAIL"
  # The log file belongs to the postfix user: with the master stopped,
  # postsuper (run by `postfix start` as that user) writes to it itself,
  # and a start after a stop in mid-delivery finds a half-written queue
  # file to warn about; a root-owned log made that warning fatal and the
  # restart failed ("Postfix integrity check failed!").
  : > "$PF_DIR/maillog"
  chown postfix:postfix "$PF_DIR/maillog"
  cp "$1" "$conf/cert.pem"; cp "$2" "$conf/key.pem"; chmod 600 "$conf/key.pem"
  cat > "$conf/main.cf" <<EOF
compatibility_level = 3.6
config_directory = $conf
queue_directory = $PF_DIR/queue
data_directory = $PF_DIR/data
mail_owner = postfix
setgid_group = postdrop
maillog_file = $PF_DIR/maillog
maillog_file_prefixes = $PF_DIR
myhostname = mx.convex-test.invalid
mydomain = convex-test.invalid
myorigin = \$myhostname
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
local_recipient_maps =
relayhost =
smtpd_peername_lookup = no
smtpd_tls_cert_file = $conf/cert.pem
smtpd_tls_key_file = $conf/key.pem
smtpd_tls_security_level = may
smtpd_tls_loglevel = 1
virtual_mailbox_domains = $PF_DOMAINS
virtual_mailbox_base = $PF_MAIL
virtual_mailbox_maps = static:all/
virtual_uid_maps = static:$(id -u postfix)
virtual_gid_maps = static:$(id -g postfix)
virtual_destination_concurrency_limit = 20
default_process_limit = 40
message_size_limit = 20480000
EOF
  # Debian's master.cf without chroot (the queue has no copies of /etc),
  # the smtp listener moved to 127.0.0.1:$PF_PORT, no pickup (no local
  # submission).
  awk -v port="$PF_PORT" '
    /^#/ || /^[ \t]*$/ { next }
    /^[ \t]/ { print; next }
    $1 == "smtp" && $2 == "inet" { $1 = "127.0.0.1:" port }
    $1 == "pickup" { skip = 1; next }
    { if (NF >= 8) $5 = "n"; print }' /etc/postfix/master.cf > "$conf/master.cf"
}

pf_start() {
  pf_available || { echo "postfix.sh: needs root and Debian's postfix"; return 1; }
  cert=${1:-$TMP/cert.pem} key=${2:-$TMP/key.pem}
  if [ ! -f "$cert" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
      -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
      -keyout "$key" -out "$cert" 2>/dev/null
  fi
  PF_DIR=$(mktemp -d /tmp/convex-postfix.XXXXXX)
  chmod 755 "$PF_DIR"
  PF_MAIL=$PF_DIR/mail
  PF_PORT=$(_pf_port)
  at_exit "/usr/sbin/postfix -c '$PF_DIR/etc' stop >/dev/null 2>&1; rm -rf '$PF_DIR'"
  _pf_config "$cert" "$key"
  /usr/sbin/postfix -c "$PF_DIR/etc" set-permissions >/dev/null 2>&1 || true
  _pf_up
}

_pf_up() {
  /usr/sbin/postfix -c "$PF_DIR/etc" start > "$PF_DIR/start.log" 2>&1 ||
    { cat "$PF_DIR/start.log" "$PF_DIR/maillog" 2>/dev/null; echo "postfix did not start"; return 1; }
  i=0
  while ! /usr/bin/python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$PF_PORT),1)" 2>/dev/null &&
        [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
  [ $i -lt 100 ] || { cat "$PF_DIR/maillog"; echo "postfix does not listen on $PF_PORT"; return 1; }
}

pf_stop() { /usr/sbin/postfix -c "$PF_DIR/etc" stop >/dev/null 2>&1; }
pf_restart() { pf_stop; _pf_up; }
pf_log() { cat "$PF_DIR/maillog" 2>/dev/null; }

pf_count() { find "$PF_MAIL/all/new" "$PF_MAIL/all/cur" -type f 2>/dev/null | wc -l; }

pf_for() {
  find "$PF_MAIL/all/new" "$PF_MAIL/all/cur" -type f -exec grep -liFx "Delivered-To: $1" {} + 2>/dev/null | wc -l
}

# The queue is empty when no file is left in its incoming/active/deferred.
pf_settle() {
  _n=$(( ${1:-30} * 10 )) i=0
  while [ $i -lt $_n ]; do
    [ -z "$(find "$PF_DIR/queue/incoming" "$PF_DIR/queue/active" "$PF_DIR/queue/deferred" \
            "$PF_DIR/queue/maildrop" -type f 2>/dev/null | head -1)" ] && return 0
    sleep 0.1; i=$((i+1))
  done
  return 1
}

# cgi.sh - sourced by tests after assert.sh and httpd.sh: serve
# `convex unsubscribe` with nginx + fcgiwrap on 127.0.0.1 exactly as
# docs/subscribers.md configures it. The wrapper script and the nginx
# location block are cut out of that page; only the paths and the socket
# are replaced. Both servers are stopped by the test's exit hook.
#
#   start_unsubscribe_cgi JOB   sets CGI_PORT, CGI_URL (http://127.0.0.1:PORT/unsubscribe),
#                               CGI_LOG (fcgiwrap's stderr: convex's log lines),
#                               CGI_SECRETS (the env file the wrapper sources)

# doc_block LANG [FIRST-LINE]: the first ```LANG block of docs/subscribers.md
# (whose first line is FIRST-LINE, when given).
doc_block() {
  awk -v lang="$1" -v first="${2:-}" '
    $0 == "```" lang { inb = 1; n = 0; buf = ""; next }
    inb && $0 == "```" { inb = 0; if (first == "" || firstline == first) { printf "%s", buf; exit } next }
    inb { if (n++ == 0) firstline = $0; buf = buf $0 "\n" }
  ' "$REPO/docs/subscribers.md"
}

start_unsubscribe_cgi() {
  d=$TMP/cgi
  mkdir -p "$d/tmp"
  CGI_SECRETS=$d/secrets.env
  CGI_LOG=$d/fcgiwrap.log
  printf 'CONVEX_TEST_SECRET=%s\n' "$CONVEX_TEST_SECRET" > "$CGI_SECRETS"
  doc_block text '#!/bin/sh' | sed -e "s|/etc/convex/secrets.env|$CGI_SECRETS|" \
    -e "s|/usr/local/bin/convex|$CONVEX|" -e "s|/etc/convex/daily.xml|$1|" > "$d/unsubscribe.cgi"
  chmod +x "$d/unsubscribe.cgi"
  grep -q "exec $CONVEX unsubscribe --job $1" "$d/unsubscribe.cgi" || { echo "wrapper not found in docs/subscribers.md"; return 1; }
  cp /etc/nginx/fastcgi_params "$d/fastcgi_params"
  doc_block nginx | sed -e "s|/usr/local/lib/convex/unsubscribe.cgi|$d/unsubscribe.cgi|" \
    -e "s|unix:/run/fcgiwrap.socket|unix:$d/fcgiwrap.sock|" > "$d/location.conf"
  grep -q "fastcgi_pass unix:$d/fcgiwrap.sock" "$d/location.conf" || { echo "location not found in docs/subscribers.md"; return 1; }
  # Four workers: the concurrency test really runs requests side by side.
  /usr/sbin/fcgiwrap -c 4 -s "unix:$d/fcgiwrap.sock" 2>>"$CGI_LOG" &
  FCGI_PID=$!
  # -c 4 forks four workers that outlive their parent's SIGTERM: the stop
  # takes them down too (their pids, read before the parent goes).
  at_exit 'kids=$(pgrep -P '"$FCGI_PID"'); kill '"$FCGI_PID"' 2>/dev/null; wait '"$FCGI_PID"' 2>/dev/null; [ -z "$kids" ] || kill $kids 2>/dev/null'
  wait_for 50 test -S "$d/fcgiwrap.sock" || { echo "fcgiwrap did not start"; cat "$CGI_LOG"; return 1; }
  for try in 1 2 3 4 5; do
    CGI_PORT=$(free_port)
    cat > "$d/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $d/nginx.pid;
error_log $d/nginx-error.log warn;
events { worker_connections 256; }
http {
    access_log $d/access.log;
    client_body_temp_path $d/tmp/body;
    proxy_temp_path       $d/tmp/proxy;
    fastcgi_temp_path     $d/tmp/fastcgi;
    uwsgi_temp_path       $d/tmp/uwsgi;
    scgi_temp_path        $d/tmp/scgi;
    server {
        listen 127.0.0.1:$CGI_PORT;
        server_name localhost;
        include $d/location.conf;
    }
}
CONF
    "$NGINX" -p "$d" -c "$d/nginx.conf" -e "$d/nginx-error.log" 2>>"$d/nginx-error.log" &
    CGI_NGINX_PID=$!
    if wait_for 50 _port_open "$CGI_PORT"; then
      at_exit "kill $CGI_NGINX_PID 2>/dev/null; wait $CGI_NGINX_PID 2>/dev/null"
      CGI_URL=http://127.0.0.1:$CGI_PORT/unsubscribe
      return 0
    fi
    kill "$CGI_NGINX_PID" 2>/dev/null; wait "$CGI_NGINX_PID" 2>/dev/null
  done
  echo "nginx did not start:"; cat "$d/nginx-error.log"
  return 1
}

# httpd.sh - sourced by the fetch tests after assert.sh: start the test web
# servers on 127.0.0.1, stopped by the test's exit hook.
#
#   start_nginx        nginx-light serving $TMP/nginx/www; sets NGINX_PORT,
#                      NGINX_LOG (access log: "METHOD URI STATUS \"INM\"")
#   start_faultsrv     tests/lib/faultsrv.py; sets FAULT_PORT, FAULT_LOG
#   requests LOG       number of requests logged so far in LOG

NGINX=${NGINX:-/usr/sbin/nginx}

# A port nobody listens on right now (nginx cannot be told to pick one).
free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# wait_for COUNT CMD...: retry CMD every 0.1 s, COUNT times at most.
wait_for() {
  n=$1; shift
  while [ "$n" -gt 0 ]; do
    "$@" && return 0
    sleep 0.1; n=$((n - 1))
  done
  return 1
}

_port_open() {
  /usr/bin/python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),1).close()' "$1" 2>/dev/null
}

start_nginx() {
  d=$TMP/nginx
  mkdir -p "$d/www" "$d/tmp"
  for try in 1 2 3 4 5; do
    NGINX_PORT=$(free_port)
    sed -e "s|@DIR@|$d|g" -e "s|@PORT@|$NGINX_PORT|g" \
      "$TESTS_DIR/nginx/nginx.conf.in" > "$d/nginx.conf"
    "$NGINX" -p "$d" -c "$d/nginx.conf" -e "$d/nginx-error.log" 2>>"$d/nginx-error.log" &
    NGINX_PID=$!
    if wait_for 50 _port_open "$NGINX_PORT"; then
      at_exit "kill $NGINX_PID 2>/dev/null; wait $NGINX_PID 2>/dev/null"
      NGINX_LOG=$d/access.log
      : > "$NGINX_LOG"
      return 0
    fi
    kill "$NGINX_PID" 2>/dev/null; wait "$NGINX_PID" 2>/dev/null
  done
  echo "nginx did not start:"; cat "$d/nginx-error.log"
  return 1
}

start_faultsrv() {
  d=$TMP/faultsrv
  mkdir -p "$d"
  /usr/bin/python3 "$TESTS_DIR/lib/faultsrv.py" "$d" 2>"$d/stderr" &
  FAULT_PID=$!
  at_exit "kill $FAULT_PID 2>/dev/null; wait $FAULT_PID 2>/dev/null"
  wait_for 100 test -s "$d/port" || { echo "faultsrv did not start"; cat "$d/stderr"; return 1; }
  FAULT_PORT=$(cat "$d/port")
  FAULT_LOG=$d/requests.log
  touch "$FAULT_LOG"
}

requests() {
  if [ -f "$1" ]; then grep -c . "$1"; else echo 0; fi
}

# start_pricesrv: tests/lib/pricesrv.py (real series, faults per name); sets
# PRICE_PORT, PRICE_DIR (bodies/ and mode/ under it), PRICE_LOG.
start_pricesrv() {
  PRICE_DIR=$TMP/pricesrv
  mkdir -p "$PRICE_DIR/bodies" "$PRICE_DIR/mode"
  /usr/bin/python3 "$TESTS_DIR/lib/pricesrv.py" "$PRICE_DIR" 2>"$PRICE_DIR/stderr" &
  PRICE_PID=$!
  at_exit "kill $PRICE_PID 2>/dev/null; wait $PRICE_PID 2>/dev/null"
  wait_for 100 test -s "$PRICE_DIR/port" || { echo "pricesrv did not start"; cat "$PRICE_DIR/stderr"; return 1; }
  PRICE_PORT=$(cat "$PRICE_DIR/port")
  PRICE_LOG=$PRICE_DIR/requests.log
  touch "$PRICE_LOG"
}

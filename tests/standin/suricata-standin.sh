#!/bin/sh
# Stand-in for Suricata in tests: the same lifecycle (starts, runs, exits on SIGTERM, can crash).
#   RXC_STANDIN_PIDFILE  file that holds the pid while it runs (removed on a clean stop)
#   RXC_STANDIN_CRASH    when set, exits with code 3 at once (a crash)
if [ -n "${RXC_STANDIN_CRASH:-}" ]; then
  echo "standin: crashing" >&2
  exit 3
fi
pidfile=${RXC_STANDIN_PIDFILE:-}
stop() {
  [ -n "$pidfile" ] && rm -f "$pidfile"
  exit 0
}
trap stop TERM INT
[ -n "$pidfile" ] && echo $$ >"$pidfile"
echo "standin: running as $$"
while :; do
  sleep 1 &
  wait $!
done

#!/usr/bin/env bash
# Runs RavenXcope locally: builds it, starts a private PostgreSQL, applies the schema, starts the silo
# and the gateway on 127.0.0.1, and prints (and writes to .data/up.env) what a newcomer needs.
#
#   scripts/up.sh            foreground: Ctrl-C stops everything
#   scripts/up.sh --detach   returns once everything is healthy; stop it with scripts/down.sh
#   scripts/up.sh --demo     also a demo tenant with three enrolled sensors, Suricata started on one of them
#                            (the real Suricata 7 when it is installed and this is root, else a stand-in)
#   scripts/up.sh --no-build uses the programs already in .data/bin instead of building them
#
# Run again while the stack is up, it checks each part (PostgreSQL answering, silo and gateway /healthz,
# nats-server greeting on its port), starts or restarts what is down in the start order (PostgreSQL,
# schema, silo, gateway, nats-server) and then prints the summary.
#
# Ports (override with the environment): RXC_PG_PORT=5433 RXC_GATEWAY_PORT=8080 RXC_ENROLL_PORT=8443
# RXC_MTLS_PORT=8444 RXC_NATS_PORT=4222 RXC_SILO_HTTP_PORT=8090 RXC_SILO_PORT=11111
# RXC_SILO_GATEWAY_PORT=30000, all below the kernel's ephemeral port range.
# Data lives in .data/ (or $RXC_DATA) and survives re-runs; delete it (after scripts/down.sh) to start afresh.
set -euo pipefail
RXC_SCRIPT=up
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=lib/common.sh
. scripts/lib/common.sh
# shellcheck source=lib/stack.sh
. scripts/lib/stack.sh

detach=false
demo=false
build=true
for arg in "$@"; do
  case "$arg" in
    --detach|-d) detach=true ;;
    --demo) demo=true ;;
    --no-build) build=false ;;
    --help|-h) sed -n '2,/^[^#]/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) rxc_die "unknown argument '$arg' (try --help)" ;;
  esac
done

command -v dotnet >/dev/null || rxc_die "the .NET SDK 10 is required (dotnet not on PATH)"
rxc_require_packages curl=curl
rxc_require_postgres
rxc_require_nats_server

mkdir -p "$RXC_DATA" "$RXC_RUN" "$RXC_LOGS"
rxc_stack_load_secrets

for name in RXC_PG_PORT RXC_GATEWAY_PORT RXC_ENROLL_PORT RXC_MTLS_PORT RXC_NATS_PORT RXC_SILO_HTTP_PORT RXC_SILO_PORT RXC_SILO_GATEWAY_PORT; do
  if rxc_port_ephemeral "${!name}"; then
    rxc_log "warning: $name=${!name} lies in the kernel's ephemeral port range ($(tr '\t' '-' </proc/sys/net/ipv4/ip_local_port_range)); an outgoing connection may hold it when the server binds it"
  fi
done

# Each part as a client sees it. A live process that does not answer is not "running".
state() { if "rxc_stack_$1_healthy"; then printf 'healthy'; elif [ "$1" = pg ] && rxc_stack_pg_running || rxc_stack_pid "$1" >/dev/null; then printf 'not answering'; else printf 'stopped'; fi; }
pg_state=$(state pg) silo_state=$(state silo) gateway_state=$(state gateway) nats_state=$(state nats)
if [ "$pg_state$silo_state$gateway_state$nats_state" = healthyhealthyhealthyhealthy ]; then
  rxc_log "RavenXcope is already running and every part is healthy (scripts/down.sh stops it)"
  rxc_stack_write_env
  rxc_stack_print_summary
  exit 0
fi

# Parts that were up before this run: in the foreground this run cannot supervise them, so it detaches.
was_running=false
if [ "$pg_state$silo_state$gateway_state$nats_state" != stoppedstoppedstoppedstopped ]; then
  was_running=true
  rxc_log "PostgreSQL: $pg_state; silo: $silo_state; gateway: $gateway_state; nats-server: $nats_state; starting what is down"
fi

# Ports are checked before the build, for the parts that will start: a clash is found in seconds, not after minutes.
check_ports() {
  local port
  for port in "$@"; do
    rxc_port_in_use "$port" && rxc_die "port $port on 127.0.0.1 is in use; free it or choose others (see scripts/up.sh --help)"
  done
  return 0
}
[ "$pg_state" = stopped ] && check_ports "$RXC_PG_PORT"
[ "$silo_state" = stopped ] && check_ports "$RXC_SILO_HTTP_PORT" "$RXC_SILO_PORT" "$RXC_SILO_GATEWAY_PORT"
[ "$gateway_state" = stopped ] && check_ports "$RXC_GATEWAY_PORT" "$RXC_ENROLL_PORT" "$RXC_MTLS_PORT"
[ "$nats_state" = stopped ] && check_ports "$RXC_NATS_PORT"

# What this run started, stopped again if it fails; what was running before is left alone.
started=()
stop_on_failure() {
  local status=$?
  if [ "$status" -ne 0 ] && [ ${#started[@]} -gt 0 ]; then
    rxc_log "start failed; stopping what this run started (${started[*]}; logs in $RXC_LOGS)"
    rxc_stack_stop "${started[@]}"
  fi
}
trap stop_on_failure EXIT

if [ "$build" = true ] && [ "$silo_state" = stopped ] && [ "$gateway_state" = stopped ]; then
  rxc_stack_publish
elif [ "$build" = true ]; then
  # Publishing over the files of a running silo or gateway would mix two builds in one stack.
  rxc_log "the silo or the gateway is running: keeping the build in $RXC_BIN (scripts/down.sh, then scripts/up.sh rebuilds)"
fi
for program in silo/ravenxcope-silo gateway/ravenxcope-gateway; do
  [ -x "$RXC_BIN/$program" ] || rxc_die "$RXC_BIN/$program is missing; run scripts/up.sh without --no-build"
done

case "$pg_state" in
  stopped)
    rxc_log "starting PostgreSQL on 127.0.0.1:$RXC_PG_PORT (data: $RXC_PG_DATA)"
    rxc_pg_start "$RXC_PG_DATA" "$RXC_PG_PORT" "$RXC_PG_PASSWORD"
    started+=(pg)
    ;;
  'not answering')
    rxc_log "PostgreSQL is running but not answering on 127.0.0.1:$RXC_PG_PORT; waiting for it"
    rxc_stack_wait_healthy pg 60 || rxc_die "PostgreSQL (data: $RXC_PG_DATA) does not answer on 127.0.0.1:$RXC_PG_PORT; see $RXC_PG_DATA/server.log"
    ;;
esac
if [ "$(rxc_psql "$RXC_PG_PORT" "$RXC_PG_PASSWORD" postgres "SELECT 1 FROM pg_database WHERE datname = 'ravenxcope'" -tA 2>/dev/null)" != 1 ]; then
  rxc_psql "$RXC_PG_PORT" "$RXC_PG_PASSWORD" postgres "CREATE DATABASE ravenxcope" >/dev/null
fi

rxc_log "applying the database schema"
rxc_stack_environment
env "${RXC_ENV[@]}" "$RXC_BIN/silo/ravenxcope-silo" migrate >&2

rxc_log "creating the certificate authority (kept when it exists)"
"$RXC_BIN/silo/ravenxcope-silo" init-ca --dir "$RXC_PKI" --server-name localhost --server-ip 127.0.0.1 >&2

rxc_log "creating the NATS operator (kept when it exists)"
"$RXC_BIN/silo/ravenxcope-silo" init-operator --dir "$RXC_NATS_DIR" \
  --resolver-url "http://127.0.0.1:$RXC_GATEWAY_PORT/jwt/v1/accounts/" >&2

if [ -z "${RXC_ADMIN_API_KEY:-}" ]; then
  rxc_log "creating the admin API key"
  RXC_ADMIN_API_KEY=$(env "${RXC_ENV[@]}" "$RXC_BIN/silo/ravenxcope-silo" create-api-key --role admin)
  printf 'RXC_ADMIN_API_KEY=%s\n' "$RXC_ADMIN_API_KEY" >>"$RXC_DATA/secrets.env"
fi

if [ -z "${RXC_CONSOLE_PASSWORD:-}" ]; then
  rxc_log "creating the console's first admin (user admin)"
  RXC_CONSOLE_USER=admin
  RXC_CONSOLE_PASSWORD=$(env "${RXC_ENV[@]}" "$RXC_BIN/gateway/ravenxcope-gateway" create-operator --user "$RXC_CONSOLE_USER" --role admin) \
    || rxc_die "could not create the console admin (a user 'admin' whose password is not in $RXC_DATA/secrets.env already exists? delete .data/ to start afresh)"
  printf 'RXC_CONSOLE_USER=%s\nRXC_CONSOLE_PASSWORD=%s\n' "$RXC_CONSOLE_USER" "$RXC_CONSOLE_PASSWORD" >>"$RXC_DATA/secrets.env"
fi

# ensure_service NAME STATE LABEL PROGRAM [URL]: a live process gets time to recover (a silo whose database
# was away heals by itself); one that still does not answer is restarted; a stopped one is started.
ensure_service() {
  local name=$1 state=$2 label=$3 program=$4 url=${5:-}
  if [ "$state" != stopped ]; then
    rxc_stack_wait_healthy "$name" 60 && { rxc_log "the $label is healthy"; return 0; }
    rxc_log "the $label is running but not healthy; restarting it"
    rxc_stack_stop_part "$name"
  fi
  rxc_log "starting the $label"
  rxc_stack_start "$name" "$program" "$url"
  started+=("$name")
  rxc_stack_wait_healthy "$name" 120 \
    || { tail -n 40 "$RXC_LOGS/$name.log" >&2; rxc_die "the $label did not become healthy (log: $RXC_LOGS/$name.log)"; }
}
ensure_service silo "$silo_state" silo "$RXC_BIN/silo/ravenxcope-silo" "http://127.0.0.1:$RXC_SILO_HTTP_PORT"
ensure_service gateway "$gateway_state" gateway "$RXC_BIN/gateway/ravenxcope-gateway"

if [ "$nats_state" != stopped ] && ! rxc_stack_wait_healthy nats 10; then
  rxc_log "nats-server is running but not answering; restarting it"
  rxc_stack_stop_part nats
  nats_state=stopped
fi
if [ "$nats_state" = stopped ]; then
  # nats-server fetches the SYS account from the gateway once, at start, and exits on anything but a 200
  # (a gateway whose pooled database connections died with PostgreSQL answers 503 until it has new ones).
  rxc_wait_http "http://127.0.0.1:$RXC_GATEWAY_PORT/jwt/v1/accounts/" 60 \
    || rxc_die "the gateway's account resolver does not answer (log: $RXC_LOGS/gateway.log)"
  rxc_log "starting nats-server (operator mode, resolver on the gateway)"
  rxc_stack_start_nats
  started+=(nats)
  rxc_stack_wait_healthy nats 30 \
    || { tail -n 20 "$RXC_LOGS/nats.log" >&2; rxc_die "nats-server did not start (log: $RXC_LOGS/nats.log)"; }
fi

rxc_stack_write_env
trap - EXIT
rxc_stack_print_summary

if [ "$demo" = true ]; then
  rxc_stack_demo
fi

if [ "$detach" = true ]; then
  exit 0
fi
if [ "$was_running" = true ]; then
  rxc_log "parts of the stack were already running detached; it stays detached (scripts/down.sh stops it)"
  exit 0
fi

rxc_log "running in the foreground; Ctrl-C stops everything"
trap 'echo; rxc_log "stopping"; rxc_stack_stop; exit 0' INT TERM
# Returns when either process exits on its own (a crash): then everything stops.
wait -n "$(cat "$RXC_RUN/silo.pid")" "$(cat "$RXC_RUN/gateway.pid")" "$(cat "$RXC_RUN/nats.pid")" || true
rxc_log "a process exited unexpectedly (logs in $RXC_LOGS); stopping everything"
rxc_stack_stop
exit 1

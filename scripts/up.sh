#!/usr/bin/env bash
# Runs RavenXcope locally: builds it, starts a private PostgreSQL, applies the schema, starts the silo
# and the gateway on 127.0.0.1, and prints (and writes to .data/up.env) what a newcomer needs.
#
#   scripts/up.sh            foreground: Ctrl-C stops everything
#   scripts/up.sh --detach   returns once everything is healthy; stop it with scripts/down.sh
#   scripts/up.sh --demo     also a demo tenant with three enrolled sensors (agents with a stand-in
#                            Suricata), Suricata started on one of them
#
# Ports (override with the environment): RXC_PG_PORT=55432 RXC_GATEWAY_PORT=8080 RXC_ENROLL_PORT=8443
# RXC_MTLS_PORT=8444 RXC_NATS_PORT=4222 RXC_SILO_HTTP_PORT=8090 RXC_SILO_PORT=11111
# RXC_SILO_GATEWAY_PORT=30000.
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
for arg in "$@"; do
  case "$arg" in
    --detach|-d) detach=true ;;
    --demo) demo=true ;;
    --help|-h) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) rxc_die "unknown argument '$arg' (try --help)" ;;
  esac
done

command -v dotnet >/dev/null || rxc_die "the .NET SDK 10 is required (dotnet not on PATH)"
rxc_require_packages curl=curl nats-server=nats-server
rxc_require_postgres

mkdir -p "$RXC_DATA" "$RXC_RUN" "$RXC_LOGS"
rxc_stack_load_secrets

if rxc_stack_running; then
  rxc_log "RavenXcope is already running (scripts/down.sh stops it)"
  rxc_stack_print_summary
  exit 0
fi

for port in "$RXC_GATEWAY_PORT" "$RXC_ENROLL_PORT" "$RXC_MTLS_PORT" "$RXC_NATS_PORT" "$RXC_SILO_HTTP_PORT" "$RXC_SILO_PORT" "$RXC_SILO_GATEWAY_PORT"; do
  rxc_port_in_use "$port" && rxc_die "port $port on 127.0.0.1 is in use; free it or choose others (see scripts/up.sh --help)"
done

stop_on_failure() {
  local status=$?
  if [ "$status" -ne 0 ]; then
    rxc_log "start failed; stopping what was started (logs in $RXC_LOGS)"
    rxc_stack_stop
  fi
}
trap stop_on_failure EXIT

rxc_log "building (dotnet publish, Release)"
rxc_stack_publish

if ! rxc_stack_pg_running; then
  rxc_port_in_use "$RXC_PG_PORT" && rxc_die "port $RXC_PG_PORT on 127.0.0.1 is in use; set RXC_PG_PORT to another"
  rxc_log "starting PostgreSQL on 127.0.0.1:$RXC_PG_PORT (data: $RXC_PG_DATA)"
  rxc_pg_start "$RXC_PG_DATA" "$RXC_PG_PORT" "$RXC_PG_PASSWORD"
fi
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

rxc_log "starting the silo"
rxc_stack_start silo "$RXC_BIN/silo/ravenxcope-silo" "http://127.0.0.1:$RXC_SILO_HTTP_PORT"
rxc_wait_http "http://127.0.0.1:$RXC_SILO_HTTP_PORT/healthz" 120 \
  || { tail -n 40 "$RXC_LOGS/silo.log" >&2; rxc_die "the silo did not become healthy (log: $RXC_LOGS/silo.log)"; }

rxc_log "starting the gateway"
rxc_stack_start gateway "$RXC_BIN/gateway/ravenxcope-gateway"
rxc_wait_http "http://127.0.0.1:$RXC_GATEWAY_PORT/healthz" 120 \
  || { tail -n 40 "$RXC_LOGS/gateway.log" >&2; rxc_die "the gateway did not become healthy (log: $RXC_LOGS/gateway.log)"; }

rxc_log "starting nats-server (operator mode, resolver on the gateway)"
rxc_stack_start_nats
deadline=$((SECONDS + 30))
until rxc_port_in_use "$RXC_NATS_PORT"; do
  rxc_pid_alive "$(cat "$RXC_RUN/nats.pid")" && [ $SECONDS -lt $deadline ] \
    || { tail -n 20 "$RXC_LOGS/nats.log" >&2; rxc_die "nats-server did not start (log: $RXC_LOGS/nats.log)"; }
  sleep 0.2
done

rxc_stack_write_env
trap - EXIT
rxc_stack_print_summary

if [ "$demo" = true ]; then
  rxc_stack_demo
fi

if [ "$detach" = true ]; then
  exit 0
fi

rxc_log "running in the foreground; Ctrl-C stops everything"
trap 'echo; rxc_log "stopping"; rxc_stack_stop; exit 0' INT TERM
# Returns when either process exits on its own (a crash): then everything stops.
wait -n "$(cat "$RXC_RUN/silo.pid")" "$(cat "$RXC_RUN/gateway.pid")" "$(cat "$RXC_RUN/nats.pid")" || true
rxc_log "a process exited unexpectedly (logs in $RXC_LOGS); stopping everything"
rxc_stack_stop
exit 1

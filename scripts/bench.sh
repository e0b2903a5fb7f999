#!/usr/bin/env bash
# Runs the benchmarks of RavenXcope (never part of scripts/test.sh): starts a private stack with
# scripts/up.sh under a temporary directory on free ports, drives fleets of real agents (the agent core,
# run by tools/FleetSim) through it (ravenxcope-bench), and measures each hot path against its floor in the
# same run. Prints a table of system, floor, ratio and goal; writes bench/results/latest.json and
# latest.md. Stops everything it started, also on failure.
#
#   scripts/bench.sh [SENSORS]      (default 2000)
set -euo pipefail
RXC_SCRIPT=bench
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=lib/common.sh
. scripts/lib/common.sh

sensors=${1:-2000}
case "$sensors" in ''|*[!0-9]*) rxc_die "SENSORS must be a number, not '$sensors'" ;; esac
command -v dotnet >/dev/null || rxc_die "the .NET SDK 10 is required (dotnet not on PATH)"
# Chosen (or refused) here, before anything starts; the stack of scripts/up.sh runs the same program.
rxc_require_nats_server

# Two fleets of SENSORS agents run, each in a process of its own (the benchmark's and a child of it), each agent
# keeping its mTLS and its NATS connection as the shipped agent does: a fleet's process needs about 2 open files
# a sensor, and so do the gateway and nats-server, which hold both fleets' connections (they inherit the limit).
# Raise the limit as far as this user may, and refuse at once, not after minutes of setup, a fleet that cannot fit.
want_files=$(( sensors * 2 + 4096 ))
need_files=$(( sensors * 2 + 512 ))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$want_files" ]; then
  ulimit -n "$want_files" 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
fi
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$need_files" ]; then
  rxc_die "open files are limited to $(ulimit -n) (hard limit $(ulimit -Hn)), and a fleet of $sensors agents needs about $need_files in each process: raise the hard limit (as a privileged user: ulimit -Hn, or LimitNOFILE in a unit) or run at most $(( ($(ulimit -n) - 512) / 2 )) sensors"
fi
RXC_DATA=$(mktemp -d /tmp/rxc-bench.XXXXXX)
chmod 755 "$RXC_DATA"
export RXC_DATA
taken=" "
for name in RXC_PG_PORT RXC_GATEWAY_PORT RXC_ENROLL_PORT RXC_MTLS_PORT RXC_NATS_PORT RXC_SILO_HTTP_PORT RXC_SILO_PORT RXC_SILO_GATEWAY_PORT; do
  port=$(rxc_free_port)
  while [[ "$taken" == *" $port "* ]]; do port=$(rxc_free_port); done
  taken="$taken$port "
  export "$name=$port"
done

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  scripts/down.sh >/dev/null 2>&1 || true
  rm -rf "$RXC_DATA"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

rxc_log "starting a private stack in $RXC_DATA"
scripts/up.sh --detach >"$RXC_DATA/up.out" 2>&1 || { cat "$RXC_DATA/up.out" >&2; rxc_die "the stack did not start"; }

rxc_log "building the benchmarks (Release)"
dotnet build bench/Benchmarks/Benchmarks.csproj -c Release -nologo -v quiet -clp:ErrorsOnly >&2 || rxc_die "build failed"

# The processes to measure, and the provisioner secret for the floors' tenant-level NATS user.
. "$RXC_DATA/secrets.env"
env_file="$RXC_DATA/bench.env"
umask 077
{
  cat "$RXC_DATA/up.env"
  echo "SILO_PID=$(cat "$RXC_DATA/run/silo.pid")"
  echo "NATS_PID=$(cat "$RXC_DATA/run/nats.pid")"
  echo "GATEWAY_PID=$(cat "$RXC_DATA/run/gateway.pid")"
  echo "PG_PID=$(head -n 1 "$(cat "$RXC_DATA/pg-data-path")/postmaster.pid")"
  echo "BACKEND_SHARED_SECRET=$RXC_BACKEND_SECRET"
} >"$env_file"
umask 022

mkdir -p bench/results
# A run of some benchmarks (RXC_BENCH_ONLY=1,4) does not replace the full table.
results=bench/results/latest
[ -n "${RXC_BENCH_ONLY:-}" ] && results=bench/results/partial
rxc_log "running the benchmarks with $sensors sensors"
dotnet bench/Benchmarks/bin/Release/net10.0/ravenxcope-bench.dll "$env_file" "$sensors" "$results.json" "$results.md"
rxc_log "results: $results.json and $results.md"

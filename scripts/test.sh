#!/usr/bin/env bash
# Runs every test of RavenXcope against a private PostgreSQL (and, as later issues need them, a
# private nats-server) started here on 127.0.0.1, in a temporary directory. Installs what is missing
# (Debian packages as root, the npm packages of tests/interop). Stops everything it started, also on
# failure or Ctrl-C, and exits non-zero when any test fails or none ran.
#
#   scripts/test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Migrations]
set -euo pipefail
RXC_SCRIPT=test
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=lib/common.sh
. scripts/lib/common.sh

command -v dotnet >/dev/null || rxc_die "the .NET SDK 10 is required (dotnet not on PATH)"
rxc_require_packages curl=curl node=nodejs npm=npm nats-server=nats-server
rxc_require_postgres

# Independent implementations to cross-check ours against (the official NATS JavaScript packages).
if [ ! -f tests/interop/node_modules/.package-lock.json ] || [ tests/interop/package-lock.json -nt tests/interop/node_modules/.package-lock.json ]; then
  rxc_log "installing npm packages of tests/interop"
  (cd tests/interop && npm ci --no-audit --no-fund --loglevel=error >&2) || rxc_die "npm ci in tests/interop failed"
fi

work=$(mktemp -d /tmp/rxc-test.XXXXXX)
chmod 755 "$work"
pg_data="$work/pg"
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  rxc_pg_stop "$pg_data"
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

pg_port=$(rxc_free_port)
pg_password=$(rxc_secret 24)
rxc_log "starting PostgreSQL on 127.0.0.1:$pg_port"
rxc_pg_start "$pg_data" "$pg_port" "$pg_password" fast

export RXC_TEST_PG="Host=127.0.0.1;Port=$pg_port;Username=ravenxcope;Password=$pg_password;Database=postgres;Pooling=true"
export RXC_INTEROP_DIR="$root/tests/interop"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

rxc_log "building"
dotnet build RavenXcope.sln -c Release -nologo -v quiet -clp:ErrorsOnly >&2 || rxc_die "build failed"

rxc_log "running tests"
log="$work/test.log"
set +e
dotnet test RavenXcope.sln -c Release --no-build --nologo -v quiet --logger "console;verbosity=normal" \
  --results-directory "$work/results" "$@" 2>&1 | tee "$log"
test_status=${PIPESTATUS[0]}
set -e

# One closing line for the whole run, summed over the test assemblies.
read -r passed failed skipped < <(
  sed -nE 's/.*(Passed|Failed)!.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\3 \2 \4/p' "$log" \
    | awk '{p+=$1; f+=$2; s+=$3} END {printf "%d %d %d\n", p, f, s}')
echo
echo "Tests: $passed passed, $failed failed, $skipped skipped"
if [ "$test_status" -ne 0 ]; then
  exit "$test_status"
fi
if [ "$passed" -eq 0 ] || [ "$failed" -ne 0 ]; then
  exit 1
fi

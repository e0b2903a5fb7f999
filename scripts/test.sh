#!/usr/bin/env bash
# Runs every test of RavenXcope against a private PostgreSQL started here on 127.0.0.1, in a temporary
# directory, the nats-server 2.10 the tests start (RXC_NATS_SERVER) and the Suricata 7 they supervise (RXC_SURICATA).
# Installs what is missing (Debian packages as root, Suricata from bookworm-backports as root, nats-server into the
# user's tools folder, the npm packages of tests/interop).
# Stops everything it started, also on failure or Ctrl-C, and exits non-zero when any test fails or none ran.
#
#   scripts/test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Migrations]
set -euo pipefail
RXC_SCRIPT=test
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=lib/common.sh
. scripts/lib/common.sh

command -v dotnet >/dev/null || rxc_die "the .NET SDK 10 is required (dotnet not on PATH)"
rxc_require_packages curl=curl openssl=openssl node=nodejs npm=npm docker-compose=docker-compose chromium=chromium
rxc_require_postgres
rxc_require_nats_server
rxc_require_suricata

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
# Screenshots of the browser tests stay after the run, for a person to look at.
export RXC_TEST_ARTIFACTS="$root/artifacts"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

rxc_log "building"
dotnet build RavenXcope.sln -c Release -nologo -v quiet -clp:ErrorsOnly >&2 || rxc_die "build failed"

rxc_log "running tests"
# One run per test project, each with its own results folder, so no report can overwrite another.
test_status=0
projects=$(grep -l '<IsTestProject>true</IsTestProject>' tests/*/*.csproj)
for project in $projects; do
  name=$(basename "$project" .csproj)
  dotnet test "$project" -c Release --no-build --nologo -v quiet --logger "console;verbosity=normal" \
    --logger trx --results-directory "$work/results/$name" "$@" || test_status=$?
  [ -n "$(ls "$work/results/$name"/*.trx 2>/dev/null)" ] || { rxc_log "$name produced no test report"; test_status=1; }
done

# One closing line for the whole run, summed over the test projects' TRX counters.
read -r passed failed skipped < <(
  cat "$work"/results/*/*.trx 2>/dev/null | grep -o '<Counters [^>]*>' \
    | sed -E 's/.* total="([0-9]+)" executed="([0-9]+)" passed="([0-9]+)" failed="([0-9]+)" error="([0-9]+)".*/\3 \4 \5 \1 \2/' \
    | awk '{p+=$1; f+=$2+$3; s+=$4-$5} END {printf "%d %d %d\n", p, f, s}')
echo
echo "Tests: $passed passed, $failed failed, $skipped skipped"
if [ "$test_status" -ne 0 ]; then
  exit "$test_status"
fi
if [ "$passed" -eq 0 ] || [ "$failed" -ne 0 ]; then
  exit 1
fi

#!/usr/bin/env bash
# Stops everything scripts/up.sh started (demo agents, nats-server, gateway, silo, PostgreSQL) and waits
# until each process is gone. The data in .data/ stays.
set -euo pipefail
RXC_SCRIPT=down
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=lib/common.sh
. scripts/lib/common.sh
# shellcheck source=lib/stack.sh
. scripts/lib/stack.sh

RXC_PG_BIN=$(rxc_pg_bindir || true)
rxc_stack_stop
rxc_log "stopped"

#!/usr/bin/env bash
# Puts nats-server 2.10.27 (Debian 13's package, which runs on Debian 12) into this user's RavenXcope
# tools folder, where scripts/test.sh, scripts/up.sh and scripts/bench.sh look before PATH. Needs no root
# and changes no package of the system. Prints the program's path.
#
#   scripts/install-nats-server.sh      (the folder: $RXC_TOOLS_DIR, default ~/.cache/ravenxcope/tools)
set -euo pipefail
RXC_SCRIPT=install-nats-server
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=lib/common.sh
. scripts/lib/common.sh

program=$(rxc_nats_server_private)
if [ -x "$program" ]; then
  rxc_log "already installed"
else
  rxc_install_nats_server
fi
"$program" --version >&2
printf '%s\n' "$program"

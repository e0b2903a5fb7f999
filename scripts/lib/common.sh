# Shared by the scripts under scripts/. Source it; it defines functions only.
# shellcheck shell=bash

rxc_log() { printf '[%s] %s\n' "${RXC_SCRIPT:-rxc}" "$*" >&2; }
rxc_die() { printf '[%s] error: %s\n' "${RXC_SCRIPT:-rxc}" "$*" >&2; exit 1; }

# rxc_require_packages "command=debian-package" …: installs (as root, with apt-get) the Debian packages
# whose command is missing; as another user, stops with the apt-get line to run.
rxc_require_packages() {
  local missing=() pair cmd pkg
  for pair in "$@"; do
    cmd=${pair%%=*}
    pkg=${pair#*=}
    if ! command -v "$cmd" >/dev/null 2>&1 && [ ! -x "$cmd" ]; then
      missing+=("$pkg")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    rxc_die "missing Debian packages: ${missing[*]}; install them with: sudo apt-get install -y ${missing[*]}"
  fi
  rxc_log "installing Debian packages: ${missing[*]}"
  apt-get update -qq >&2 || rxc_die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 \
    || rxc_die "apt-get install ${missing[*]} failed"
}

# The directory of PostgreSQL's server programs (initdb, pg_ctl, postgres), newest version first.
rxc_pg_bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] && [ -x "$dir/initdb" ] || return 1
  printf '%s\n' "$dir"
}

rxc_require_postgres() {
  if ! rxc_pg_bindir >/dev/null; then
    rxc_require_packages "/usr/lib/postgresql/15/bin/initdb=postgresql"
  fi
  rxc_require_packages "psql=postgresql-client"
  RXC_PG_BIN=$(rxc_pg_bindir) || rxc_die "PostgreSQL server programs not found under /usr/lib/postgresql/*/bin"
}

# PostgreSQL refuses to run as root: as root the server runs as the 'postgres' user (made by the
# Debian package), otherwise as the calling user.
rxc_pg_user() {
  if [ "$(id -u)" -eq 0 ]; then
    id -u postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
    printf 'postgres\n'
  else
    id -un
  fi
}

rxc_as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u "$(rxc_pg_user)" -- "$@"
  else
    "$@"
  fi
}

# A TCP port on 127.0.0.1 that nothing answers on.
rxc_free_port() {
  # Below the kernel's ephemeral range: a port chosen there could be taken by an outgoing connection's
  # local port before the server binds it (seen with a fleet of thousands of connections).
  local port _ low=32768 high top
  read -r low high </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
  top=$(( low > 12000 ? low : 60000 ))
  for _ in $(seq 1 200); do
    port=$((10000 + RANDOM % (top - 10000)))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      printf '%s\n' "$port"
      return 0
    fi
  done
  rxc_die "no free TCP port found on 127.0.0.1"
}

rxc_port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# True when PORT lies in the kernel's ephemeral range, where outgoing connections take their local ports.
rxc_port_ephemeral() {
  local low=32768 high=60999
  read -r low high </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
  [ "$1" -ge "$low" ] && [ "$1" -le "$high" ]
}

# rxc_pg_start DATA_DIR PORT PASSWORD [fast]: creates the cluster on first use (user 'ravenxcope',
# scram-sha-256) and starts it on 127.0.0.1:PORT. 'fast' turns off durability (tests only).
rxc_pg_start() {
  local data=$1 port=$2 password=$3 mode=${4:-}
  local owner pwfile
  owner=$(rxc_pg_user)
  mkdir -p "$data"
  if [ ! -s "$data/PG_VERSION" ]; then
    chown "$owner" "$data"
    chmod 700 "$data"
    pwfile=$(mktemp)
    printf '%s\n' "$password" >"$pwfile"
    chown "$owner" "$pwfile"
    chmod 600 "$pwfile"
    rxc_as_pg "$RXC_PG_BIN/initdb" -D "$data" -U ravenxcope --auth=scram-sha-256 --pwfile="$pwfile" \
      --encoding=UTF8 --locale=C.UTF-8 >"$data.initdb.log" 2>&1 \
      || { rm -f "$pwfile"; cat "$data.initdb.log" >&2; rxc_die "initdb failed"; }
    rm -f "$pwfile"
  fi
  local options="-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$data"
  if [ "$mode" = fast ]; then
    options="$options -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  fi
  rxc_as_pg "$RXC_PG_BIN/pg_ctl" -D "$data" -l "$data/server.log" -o "$options" -w -t 60 start >/dev/null \
    || { tail -n 30 "$data/server.log" >&2; rxc_die "PostgreSQL did not start (log: $data/server.log)"; }
}

# Stops the server and returns once its postmaster process is gone.
rxc_pg_stop() {
  local data=$1 pid deadline
  [ -f "$data/postmaster.pid" ] || return 0
  pid=$(head -n 1 "$data/postmaster.pid")
  rxc_as_pg "$RXC_PG_BIN/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
  deadline=$((SECONDS + 30))
  while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
}

# rxc_psql PORT PASSWORD DATABASE SQL [psql options…]
rxc_psql() {
  PGPASSWORD=$2 psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$1" -U ravenxcope -d "$3" "${@:5}" -c "$4"
}

# A random secret of letters and digits.
rxc_secret() { head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c "${1:-32}"; }

# rxc_wait_http URL SECONDS: waits until URL answers 2xx.
rxc_wait_http() {
  local url=$1 deadline=$((SECONDS + $2))
  while [ $SECONDS -lt $deadline ]; do
    curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null && return 0
    sleep 0.5
  done
  return 1
}

# nats-server: RavenXcope needs the 2.10 line, from 2.10.27 on. It fans one command out to thousands of
# durable pull consumers an order of magnitude faster than 2.9 and answers $SYS.REQ.SERVER.<id>.KICK,
# which 2.9 lacks; later lines scan every consumer of a work-queue stream on each ack (2.12.5 on) or cap a
# stream's consumers (2.15). Debian 12 ships 2.9.10, so the scripts keep Debian 13's package, unpacked,
# in a tools folder of this user that they look in before PATH.
RXC_NATS_SERVER_VERSION=2.10.27

rxc_tools_dir() { printf '%s\n' "${RXC_TOOLS_DIR:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/ravenxcope/tools}"; }
rxc_nats_server_private() { printf '%s/nats-server-%s/usr/sbin/nats-server\n' "$(rxc_tools_dir)" "$RXC_NATS_SERVER_VERSION"; }

# rxc_nats_server_version PROGRAM: prints its version (2.10.27), or nothing when it does not run.
rxc_nats_server_version() {
  "$1" --version 2>/dev/null | sed -n 's/^nats-server: v\{0,1\}\([0-9][0-9.]*\).*/\1/p' | head -n 1
}

# True for a 2.10.x version at or after RXC_NATS_SERVER_VERSION.
rxc_nats_server_version_ok() {
  local major minor patch want_patch=${RXC_NATS_SERVER_VERSION##*.}
  IFS=. read -r major minor patch <<<"$1"
  [ "$major" = 2 ] && [ "$minor" = 10 ] && [[ "$patch" =~ ^[0-9]+$ ]] && [ "$patch" -ge "$want_patch" ]
}

rxc_nats_server_how_to_get() {
  cat <<HOW
get nats-server $RXC_NATS_SERVER_VERSION (or a later 2.10.x) one of these ways:
  scripts/install-nats-server.sh          unpacks Debian 13's package into $(rxc_tools_dir), where these scripts look before PATH (no root needed; no system package changes)
  apt-get install -t trixie nats-server   system-wide, after adding Debian 13 (trixie) as an apt source pinned low (Pin-Priority: 100)
  export RXC_NATS_SERVER=/path/to/nats-server   a 2.10.x program of your own
HOW
}

# Sets and exports RXC_NATS_SERVER to the nats-server program to run: $RXC_NATS_SERVER when set, else the
# copy in the tools folder, else the one on PATH if it is of the 2.10 line (from 2.10.27 on), else a private copy it
# installs. Refuses an RXC_NATS_SERVER outside that line.
rxc_require_nats_server() {
  local program version
  if [ -n "${RXC_NATS_SERVER:-}" ]; then
    program=$RXC_NATS_SERVER
  elif [ -x "$(rxc_nats_server_private)" ]; then
    program=$(rxc_nats_server_private)
  elif program=$(command -v nats-server 2>/dev/null) && rxc_nats_server_version_ok "$(rxc_nats_server_version "$program")"; then
    :
  else
    # Missing, or an older line on PATH (Debian 12 ships 2.9): a private copy of the right one is
    # installed beside it, and the system's program is left as it is.
    [ -n "$program" ] && rxc_log "$program is nats-server $(rxc_nats_server_version "$program"); RavenXcope needs $RXC_NATS_SERVER_VERSION, installing a private copy"
    rxc_install_nats_server
    program=$(rxc_nats_server_private)
  fi
  [ -x "$program" ] || rxc_die "nats-server '$program' is not an executable program; $(rxc_nats_server_how_to_get)"
  version=$(rxc_nats_server_version "$program")
  rxc_nats_server_version_ok "$version" \
    || rxc_die "$program is nats-server ${version:-of an unknown version}, and RavenXcope needs the 2.10 line; $(rxc_nats_server_how_to_get)"
  RXC_NATS_SERVER=$program
  export RXC_NATS_SERVER
  rxc_log "nats-server $version: $RXC_NATS_SERVER"
}

# rxc_install_nats_server: downloads Debian 13's nats-server package (the version RXC_NATS_SERVER_VERSION)
# through the Debian mirror this machine's apt already uses, with a private apt state (no root needed,
# nothing of the system's packages changes), and unpacks it into the tools folder.
rxc_install_nats_server() {
  local target apt mirror codename package staging
  target="$(rxc_tools_dir)/nats-server-$RXC_NATS_SERVER_VERSION"
  command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null \
    || rxc_die "nats-server is missing and only Debian's apt can fetch it here; install nats-server $RXC_NATS_SERVER_VERSION and put it on PATH, or set RXC_NATS_SERVER to it"
  codename=$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}")
  mirror=$(rxc_debian_mirror "$codename")
  if [ -z "$mirror" ] && [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq >&2 || rxc_die "apt-get update failed"
    mirror=$(rxc_debian_mirror "$codename")
  fi
  [ -n "$mirror" ] || rxc_die "no Debian mirror found in apt's sources (run apt-get update first); $(rxc_nats_server_how_to_get)"
  rxc_log "installing nats-server $RXC_NATS_SERVER_VERSION (Debian 13's package, from $mirror) into $target"
  apt=$(mktemp -d /tmp/rxc-apt.XXXXXX)
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/deb"
  printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s trixie main\n' "$mirror" >"$apt/sources.list"
  local options=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache"
    -o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null -o "APT::Sandbox::User=$(id -un)")
  apt-get "${options[@]}" -qq update >&2 || { rm -rf "$apt"; rxc_die "apt-get update of Debian 13's package list failed; $(rxc_nats_server_how_to_get)"; }
  package=$(apt-cache "${options[@]}" madison nats-server | awk -F' *[|] *' -v want="$RXC_NATS_SERVER_VERSION-" 'index($2, want) == 1 { print $2; exit }')
  [ -n "$package" ] || { rm -rf "$apt"; rxc_die "Debian 13 has no nats-server $RXC_NATS_SERVER_VERSION package; $(rxc_nats_server_how_to_get)"; }
  (cd "$apt/deb" && apt-get "${options[@]}" -qq download "nats-server=$package" >&2) \
    || { rm -rf "$apt"; rxc_die "downloading nats-server $package failed"; }
  # Unpacked beside the target and moved in whole: a concurrent run sees either nothing or a complete copy.
  mkdir -p "$(dirname "$target")"
  staging=$(mktemp -d "$target.XXXXXX")
  dpkg-deb -x "$apt"/deb/nats-server_*.deb "$staging" || { rm -rf "$apt" "$staging"; rxc_die "unpacking nats-server $package failed"; }
  rm -rf "$apt"
  chmod 755 "$staging"
  rxc_nats_server_version_ok "$(rxc_nats_server_version "$staging/usr/sbin/nats-server")" \
    || { rm -rf "$staging"; rxc_die "the unpacked nats-server $package does not run here"; }
  mv -T "$staging" "$target" 2>/dev/null || rm -rf "$staging"
}

# rxc_debian_mirror CODENAME: the URI apt fetches Debian's CODENAME main from (as apt-cache policy lists it).
rxc_debian_mirror() {
  apt-cache policy 2>/dev/null | awk -v release="n=$1," '
    $2 ~ /^[a-z+]+:\/\// && $3 ~ /\/main$/ { uri = $2; next }
    /^ *release / && index($0, "o=Debian,") && index($0 ",", release) { print uri; exit }'
}

# Suricata: the agent supervises Suricata 7, which Debian 12 has only in bookworm-backports (7.0.10; main has none).
RXC_SURICATA_MAJOR=7

rxc_suricata_how_to_get() {
  cat <<HOW
get Suricata $RXC_SURICATA_MAJOR on Debian 12 (as root):
  echo 'deb http://deb.debian.org/debian bookworm-backports main' > /etc/apt/sources.list.d/bookworm-backports.list
  apt-get update && apt-get install -y -t bookworm-backports suricata
or set RXC_SURICATA to a Suricata $RXC_SURICATA_MAJOR program of your own
HOW
}

# rxc_suricata_version PROGRAM: prints its version (7.0.10), or nothing when it does not run.
rxc_suricata_version() {
  "$1" -V 2>/dev/null | sed -n 's/^This is Suricata version \([0-9][0-9.]*\).*/\1/p' | head -n 1
}

# Sets and exports RXC_SURICATA to a Suricata 7 program: $RXC_SURICATA, or the one on PATH; when there is none, as root
# it installs Debian's bookworm-backports package (adding that source, which apt pins low by itself: nothing else
# moves), and as another user it stops with the commands to run.
rxc_require_suricata() {
  local program=${RXC_SURICATA:-} version codename
  if [ -z "$program" ]; then
    program=$(command -v suricata 2>/dev/null || true)
  fi
  if [ -z "$program" ]; then
    [ "$(id -u)" -eq 0 ] || rxc_die "Suricata is missing; $(rxc_suricata_how_to_get)"
    codename=$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}")
    [ "$codename" = bookworm ] || rxc_die "Suricata is missing, and this is not Debian 12 (bookworm); install Suricata $RXC_SURICATA_MAJOR and put it on PATH, or set RXC_SURICATA"
    if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
      rxc_log "adding Debian's bookworm-backports to apt's sources (for Suricata 7)"
      printf 'deb http://deb.debian.org/debian bookworm-backports main\n' >/etc/apt/sources.list.d/bookworm-backports.list
    fi
    rxc_log "installing Suricata from bookworm-backports"
    apt-get update -qq >&2 || rxc_die "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t bookworm-backports suricata >&2 \
      || rxc_die "apt-get install -t bookworm-backports suricata failed; $(rxc_suricata_how_to_get)"
    program=$(command -v suricata) || rxc_die "suricata is not on PATH after its installation"
  fi
  version=$(rxc_suricata_version "$program")
  [ "${version%%.*}" = "$RXC_SURICATA_MAJOR" ] \
    || rxc_die "$program is Suricata ${version:-of an unknown version}, and the agent needs Suricata $RXC_SURICATA_MAJOR; $(rxc_suricata_how_to_get)"
  RXC_SURICATA=$program
  export RXC_SURICATA
  rxc_log "Suricata $version: $RXC_SURICATA"
}

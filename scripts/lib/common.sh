# Shared by scripts/test.sh, scripts/up.sh and scripts/down.sh. Source it; it defines functions only.
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

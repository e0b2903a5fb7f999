# The local stack of scripts/up.sh and scripts/down.sh: where things live and how they start and stop.
# Source after common.sh. Defines variables and functions only.
# shellcheck shell=bash

# RXC_DATA moves the whole stack (scripts/bench.sh runs a private one under /tmp).
RXC_DATA=${RXC_DATA:-$root/.data}
RXC_RUN="$RXC_DATA/run"
RXC_LOGS="$RXC_DATA/logs"
RXC_BIN="$RXC_DATA/bin"
# Every default port lies below Linux's ephemeral range (32768-60999 by default): a port inside it can
# be held by an outgoing connection's local port (even one in TIME-WAIT) when the server comes to bind it.
RXC_PG_PORT=${RXC_PG_PORT:-5433}
RXC_GATEWAY_PORT=${RXC_GATEWAY_PORT:-8080}
RXC_ENROLL_PORT=${RXC_ENROLL_PORT:-8443}
RXC_MTLS_PORT=${RXC_MTLS_PORT:-8444}
RXC_NATS_PORT=${RXC_NATS_PORT:-4222}
RXC_PKI="$RXC_DATA/pki"
RXC_NATS_DIR="$RXC_DATA/nats"
RXC_SILO_HTTP_PORT=${RXC_SILO_HTTP_PORT:-8090}
RXC_SILO_PORT=${RXC_SILO_PORT:-11111}
RXC_SILO_GATEWAY_PORT=${RXC_SILO_GATEWAY_PORT:-30000}

# PostgreSQL's data directory: inside .data/ when the server's user can reach it; otherwise (a
# checkout under /root, say, run as root) a directory of its own under /var/lib/ravenxcope.
rxc_stack_pg_data() {
  if [ -f "$RXC_DATA/pg-data-path" ]; then
    cat "$RXC_DATA/pg-data-path"
    return
  fi
  local dir="$RXC_DATA/pg"
  if [ "$(id -u)" -eq 0 ] && ! runuser -u "$(rxc_pg_user)" -- test -x "$RXC_DATA" 2>/dev/null; then
    dir="/var/lib/ravenxcope/pg-$(printf '%s' "$RXC_DATA" | sha256sum | cut -c1-12)"
    mkdir -p "$(dirname "$dir")"
  fi
  printf '%s\n' "$dir" >"$RXC_DATA/pg-data-path"
  printf '%s\n' "$dir"
}

# Secrets made once and kept (mode 0600), so that re-running keeps the data and the credentials.
rxc_stack_load_secrets() {
  local file="$RXC_DATA/secrets.env"
  if [ ! -f "$file" ]; then
    umask 077
    {
      printf 'RXC_PG_PASSWORD=%s\n' "$(rxc_secret 32)"
      printf 'RXC_DASHBOARD_USER=%s\n' "sre"
      printf 'RXC_DASHBOARD_PASSWORD=%s\n' "$(rxc_secret 24)"
      printf 'RXC_ACCOUNT_SEED_KEY=%s\n' "$(head -c 32 /dev/urandom | base64)"
    } >"$file"
    umask 022
  fi
  chmod 600 "$file"
  # shellcheck disable=SC1090
  . "$file"
  if [ -z "${RXC_ACCOUNT_SEED_KEY:-}" ]; then
    RXC_ACCOUNT_SEED_KEY=$(head -c 32 /dev/urandom | base64)
    printf 'RXC_ACCOUNT_SEED_KEY=%s\n' "$RXC_ACCOUNT_SEED_KEY" >>"$file"
  fi
  if [ -z "${RXC_BACKEND_SECRET:-}" ]; then
    RXC_BACKEND_SECRET=$(rxc_secret 32)
    printf 'RXC_BACKEND_SECRET=%s\n' "$RXC_BACKEND_SECRET" >>"$file"
  fi
  if [ -z "${RXC_AUDIT_KEY:-}" ]; then
    RXC_AUDIT_KEY=$(head -c 32 /dev/urandom | base64)
    printf 'RXC_AUDIT_KEY=%s\n' "$RXC_AUDIT_KEY" >>"$file"
  fi
  RXC_PG_DATA=$(rxc_stack_pg_data)
  RXC_PG_DSN="postgres://ravenxcope:$RXC_PG_PASSWORD@127.0.0.1:$RXC_PG_PORT/ravenxcope?sslmode=disable"
}

# Publishes the three programs into $RXC_BIN, one line per project with the time it took (a first
# build restores packages and can take minutes).
rxc_stack_publish() {
  local project name started index=0
  for project in silo:src/Silo/Silo.csproj gateway:src/Gateway/Gateway.csproj sensor:src/SensorAgent/SensorAgent.csproj; do
    index=$((index + 1))
    name=${project%%:*}
    started=$SECONDS
    rxc_log "building $name ($index/3: ${project#*:})"
    dotnet publish "${project#*:}" -c Release -o "$RXC_BIN/$name" -nologo -v minimal >&2 \
      || rxc_die "building ${project#*:} failed"
    rxc_log "built $name in $((SECONDS - started)) s"
  done
}

# The stack's configuration, as NAME=value words for env(1).
rxc_stack_environment() {
  RXC_ENV=(
    "PG_DSN=$RXC_PG_DSN"
    CLUSTER_ID=ravenxcope SERVICE_ID=ravenxcope
    "SILO_PORT=$RXC_SILO_PORT" "SILO_GATEWAY_PORT=$RXC_SILO_GATEWAY_PORT" ADVERTISED_IP=127.0.0.1
    "DASHBOARD_USER=$RXC_DASHBOARD_USER" "DASHBOARD_PASSWORD=$RXC_DASHBOARD_PASSWORD"
    "CA_CERT_FILE=$RXC_PKI/ca.cert.pem" "CA_KEY_FILE=$RXC_PKI/ca.key.pem"
    "GATEWAY_TLS_CERT_FILE=$RXC_PKI/gateway.cert.pem" "GATEWAY_TLS_KEY_FILE=$RXC_PKI/gateway.key.pem"
    "GATEWAY_HTTP_PORT=$RXC_GATEWAY_PORT" "GATEWAY_ENROLL_PORT=$RXC_ENROLL_PORT" "GATEWAY_MTLS_PORT=$RXC_MTLS_PORT"
    "NATS_URL=nats://127.0.0.1:$RXC_NATS_PORT" "OPERATOR_SEED_PATH=$RXC_NATS_DIR/operator.seed"
    "ACCOUNT_SEED_ENCRYPTION_KEY=$RXC_ACCOUNT_SEED_KEY" "AUDIT_HMAC_KEY=$RXC_AUDIT_KEY" "BACKEND_SHARED_SECRET=$RXC_BACKEND_SECRET"
    DOTNET_CLI_TELEMETRY_OPTOUT=1
  )
}

# rxc_stack_start NAME PROGRAM [URL]: starts a service in its own session, logging to .data/logs/NAME.log.
# env and setsid exec in place, so $! is the service's own process id.
rxc_stack_start() {
  local name=$1 program=$2 url=${3:-}
  rxc_stack_environment
  [ -n "$url" ] && RXC_ENV+=("ASPNETCORE_URLS=$url")
  env "${RXC_ENV[@]}" setsid "$program" >>"$RXC_LOGS/$name.log" 2>&1 </dev/null &
  printf '%s\n' "$!" >"$RXC_RUN/$name.pid"
}

# A process that exited but was not reaped (a zombie: where PID 1 reaps nothing, as in many containers) is gone.
rxc_pid_alive() {
  local stat
  [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null || return 1
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

rxc_stack_pg_running() {
  local data
  data=$(rxc_stack_pg_data)
  [ -f "$data/postmaster.pid" ] && rxc_pid_alive "$(head -n 1 "$data/postmaster.pid")"
}

# The process id in .data/run/NAME.pid when that process is still alive.
rxc_stack_pid() {
  local pid
  [ -f "$RXC_RUN/$1.pid" ] || return 1
  pid=$(cat "$RXC_RUN/$1.pid")
  rxc_pid_alive "$pid" || return 1
  printf '%s\n' "$pid"
}

# Health of each part, as a client sees it: a live process is not enough.
rxc_stack_pg_healthy() {
  rxc_stack_pg_running && [ "$(rxc_psql "$RXC_PG_PORT" "$RXC_PG_PASSWORD" postgres "SELECT 1" -tA 2>/dev/null)" = 1 ]
}
rxc_stack_silo_healthy() {
  rxc_stack_pid silo >/dev/null && curl -fsS -o /dev/null --max-time 3 "http://127.0.0.1:$RXC_SILO_HTTP_PORT/healthz" 2>/dev/null
}
rxc_stack_gateway_healthy() {
  rxc_stack_pid gateway >/dev/null && curl -fsS -o /dev/null --max-time 3 "http://127.0.0.1:$RXC_GATEWAY_PORT/healthz" 2>/dev/null
}
# nats-server greets every client with an INFO line.
rxc_stack_nats_healthy() {
  rxc_stack_pid nats >/dev/null \
    && [ "$(timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$RXC_NATS_PORT && head -c 4 <&3" 2>/dev/null)" = INFO ]
}

# rxc_stack_wait_healthy PART SECONDS: waits until rxc_stack_PART_healthy holds.
rxc_stack_wait_healthy() {
  local deadline=$((SECONDS + $2))
  until "rxc_stack_$1_healthy"; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.5
  done
}

# rxc_stack_stop_part NAME: SIGTERM (a graceful leave of the cluster for the silo), SIGKILL after 40 s.
rxc_stack_stop_part() {
  local name=$1 pid deadline
  [ -f "$RXC_RUN/$name.pid" ] || return 0
  pid=$(cat "$RXC_RUN/$name.pid")
  if rxc_pid_alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + 40))
    while rxc_pid_alive "$pid" && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    if rxc_pid_alive "$pid"; then
      rxc_log "$name did not stop within 40 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$RXC_RUN/$name.pid"
}

# rxc_stack_stop [PART…]: stops the named parts (pg for PostgreSQL), or everything: the agents, nats-server,
# the gateway, the silo, then PostgreSQL.
rxc_stack_stop() {
  local name parts=("$@")
  [ ${#parts[@]} -gt 0 ] || parts=(demo-edge-1 demo-edge-2 demo-edge-3 nats gateway silo pg)
  for name in demo-edge-1 demo-edge-2 demo-edge-3 nats gateway silo pg; do
    [[ " ${parts[*]} " == *" $name "* ]] || continue
    if [ "$name" = pg ]; then
      if [ -f "$RXC_DATA/pg-data-path" ] && [ -n "${RXC_PG_BIN:-}" ]; then
        rxc_pg_stop "$(cat "$RXC_DATA/pg-data-path")"
      fi
    else
      rxc_stack_stop_part "$name"
    fi
  done
}

# nats-server (RXC_NATS_SERVER, see rxc_require_nats_server) in operator mode, with the fragment
# init-operator wrote and JetStream under .data/nats.
rxc_stack_start_nats() {
  cat >"$RXC_NATS_DIR/server.conf" <<CONF
listen: 127.0.0.1:$RXC_NATS_PORT
server_name: ravenxcope-local
jetstream { store_dir: "$RXC_NATS_DIR/js" }
include "nats-operator.conf"
CONF
  setsid "$RXC_NATS_SERVER" -c "$RXC_NATS_DIR/server.conf" >>"$RXC_LOGS/nats.log" 2>&1 </dev/null &
  printf '%s\n' "$!" >"$RXC_RUN/nats.pid"
}

# rxc_api METHOD PATH [JSON]: the operator API with the admin key; prints the body, fails on 4xx/5xx.
rxc_api() {
  curl -fsS -X "$1" -H "Authorization: Bearer $RXC_ADMIN_API_KEY" -H 'Content-Type: application/json' \
    ${3:+-d "$3"} "http://127.0.0.1:$RXC_GATEWAY_PORT$2"
}

# The demo's Suricata on demo-edge-1: the real one when Suricata 7 is installed and this is root (AF_PACKET capture
# needs CAP_NET_RAW), capturing on lo what the BPF filter lets through (ICMP and UDP port 5514, so the machine's other
# loopback traffic costs nothing), with a rules file of its own; otherwise the stand-in. Prints the run arguments.
RXC_DEMO_SURICATA_PORT=5514
rxc_demo_suricata_args() {
  local sensor=$1 program version dir
  program=$(command -v suricata 2>/dev/null || true)
  version=${program:+$(rxc_suricata_version "$program")}
  if [ "$sensor" = demo-edge-1 ] && [ "${version%%.*}" = "$RXC_SURICATA_MAJOR" ] && [ "$(id -u)" -eq 0 ]; then
    dir="$RXC_DATA/suricata/$sensor"
    mkdir -p "$dir/log"
    printf '%s\n' "alert udp any any -> any $RXC_DEMO_SURICATA_PORT (msg:\"RavenXcope demo: a datagram to port $RXC_DEMO_SURICATA_PORT\"; sid:9000001; rev:1;)" >"$dir/demo.rules"
    printf '%s\n' --suricata "$program" --interface lo --runtime-dir "$RXC_RUN/$sensor" --suricata-log-dir "$dir/log" \
      "--suricata-arg=-S" "--suricata-arg=$dir/demo.rules" --capture-filter "icmp or udp port $RXC_DEMO_SURICATA_PORT"
  else
    printf '%s\n' --suricata-command "$root/tests/standin/suricata-standin.sh"
  fi
}

# The demo: tenant "demo", sensors demo-edge-1..3 enrolled by real agents with the join command (the claim code alone;
# state in .data/sensors/), the real Suricata on demo-edge-1 when it is installed (the stand-in elsewhere), and a start
# command for demo-edge-1. Re-running keeps what exists.
rxc_stack_demo() {
  local sensor code deadline suricata_args real=stand-in
  rxc_log "demo: tenant 'demo' with three sensors"
  rxc_api POST /api/v1/tenants '{"tenantId":"demo","name":"Demo tenant"}' >/dev/null
  deadline=$((SECONDS + 60))
  until [[ "$(rxc_api GET /api/v1/tenants/demo)" == *'"status":"provisioned"'* ]]; do
    [ $SECONDS -lt $deadline ] || rxc_die "demo: the tenant's NATS account was not provisioned (logs in $RXC_LOGS)"
    sleep 0.5
  done
  for sensor in demo-edge-1 demo-edge-2 demo-edge-3; do
    rxc_api POST /api/v1/tenants/demo/sensors "{\"sensorId\":\"$sensor\",\"name\":\"Demo $sensor\"}" >/dev/null
    if [ ! -f "$RXC_DATA/sensors/$sensor/sensor-state.json" ]; then
      code=$(rxc_api POST "/api/v1/tenants/demo/sensors/$sensor/claim-codes" '{}' | sed -E 's/.*"claimCode":"([^"]+)".*/\1/')
      # The join command as the claim code's answer gives it: no CA file, the CA pinned by the code's fingerprint.
      "$RXC_BIN/sensor/ravenxcope-sensor" enroll --url "https://127.0.0.1:$RXC_ENROLL_PORT" --code "$code" \
        --state-dir "$RXC_DATA/sensors/$sensor" >>"$RXC_LOGS/$sensor.log" 2>&1 \
        || rxc_die "demo: enrolling $sensor failed (log: $RXC_LOGS/$sensor.log)"
    fi
    mapfile -t suricata_args < <(rxc_demo_suricata_args "$sensor")
    [ "$sensor" = demo-edge-1 ] && [ "${suricata_args[0]}" = --suricata ] && real=real
    # A re-run that restarted other parts keeps an agent that is still running.
    rxc_stack_pid "$sensor" >/dev/null && continue
    RXC_STANDIN_PIDFILE="$RXC_RUN/$sensor.suricata.pid" setsid "$RXC_BIN/sensor/ravenxcope-sensor" run \
      --state-dir "$RXC_DATA/sensors/$sensor" "${suricata_args[@]}" \
      >>"$RXC_LOGS/demo-$sensor.log" 2>&1 </dev/null &
    printf '%s\n' "$!" >"$RXC_RUN/$sensor.pid"
  done
  rxc_api POST /api/v1/tenants/demo/sensors/demo-edge-1/commands '{"type":"start"}' >/dev/null
  deadline=$((SECONDS + 120))
  until [[ "$(rxc_api GET /api/v1/tenants/demo/sensors/demo-edge-1)" == *'"suricata":"running"'* ]]; do
    [ $SECONDS -lt $deadline ] || rxc_die "demo: Suricata did not start on demo-edge-1 (log: $RXC_LOGS/demo-demo-edge-1.log)"
    sleep 0.5
  done
  if [ "$real" = real ]; then
    real="Suricata $(rxc_suricata_version "$(command -v suricata)") running on demo-edge-1, capturing on lo (ICMP and UDP port $RXC_DEMO_SURICATA_PORT).
  Send it packets: for i in \$(seq 10); do echo hi >/dev/udp/127.0.0.1/$RXC_DEMO_SURICATA_PORT; done
  The host's own view: $RXC_BIN/sensor/ravenxcope-sensor status --state-dir $RXC_DATA/sensors/demo-edge-1 --runtime-dir $RXC_RUN/demo-edge-1"
  else
    real="Suricata (the stand-in: install Suricata 7 and run as root for the real one) running on demo-edge-1."
  fi
  cat <<DEMO

Demo ready: tenant "demo", sensors demo-edge-1..3 enrolled, $real
  . .data/up.env; AUTH="Authorization: Bearer \$ADMIN_API_KEY"
  curl -H "\$AUTH" \$GATEWAY_URL/api/v1/tenants/demo/sensors
  curl -H "\$AUTH" \$GATEWAY_URL/api/v1/tenants/demo/sensors/demo-edge-1      # suricata, suricataDetail (version, rules, packets)
  curl -H "\$AUTH" -H 'Content-Type: application/json' -d '{"type":"stop"}' \$GATEWAY_URL/api/v1/tenants/demo/sensors/demo-edge-1/commands
  curl -H "\$AUTH" \$GATEWAY_URL/api/v1/tenants/demo/fleet/trust-summary
  Console: \$CONSOLE_URL (user \$CONSOLE_USER, password \$CONSOLE_PASSWORD): Sensors, demo, demo-edge-1, Stop Suricata.
  Dashboard: \$DASHBOARD_URL (user \$DASHBOARD_USER): Grain Details, pick SensorGrain, grain id s:demo/demo-edge-1, Show Details.
DEMO
}

rxc_stack_write_env() {
  umask 077
  cat >"$RXC_DATA/up.env" <<ENV
GATEWAY_URL=http://127.0.0.1:$RXC_GATEWAY_PORT
DASHBOARD_URL=http://127.0.0.1:$RXC_SILO_HTTP_PORT/dashboard/
DASHBOARD_USER=$RXC_DASHBOARD_USER
DASHBOARD_PASSWORD=$RXC_DASHBOARD_PASSWORD
SILO_HEALTH_URL=http://127.0.0.1:$RXC_SILO_HTTP_PORT/healthz
GATEWAY_HEALTH_URL=http://127.0.0.1:$RXC_GATEWAY_PORT/healthz
PG_DSN=$RXC_PG_DSN
AUDIT_HMAC_KEY=$RXC_AUDIT_KEY
ADMIN_API_KEY=$RXC_ADMIN_API_KEY
ENROLL_URL=https://127.0.0.1:$RXC_ENROLL_PORT
SENSOR_MTLS_URL=https://127.0.0.1:$RXC_MTLS_PORT
CA_FILE=$RXC_PKI/ca.cert.pem
NATS_URL=nats://127.0.0.1:$RXC_NATS_PORT
SENSOR_BIN=$RXC_BIN/sensor/ravenxcope-sensor
SILO_BIN=$RXC_BIN/silo/ravenxcope-silo
CONSOLE_URL=http://127.0.0.1:$RXC_GATEWAY_PORT/
CONSOLE_USER=${RXC_CONSOLE_USER:-}
CONSOLE_PASSWORD=${RXC_CONSOLE_PASSWORD:-}
ENV
  umask 022
  chmod 600 "$RXC_DATA/up.env"
}

rxc_stack_print_summary() {
  cat <<SUMMARY

RavenXcope is running on 127.0.0.1:
  operator console http://127.0.0.1:$RXC_GATEWAY_PORT/
                   user: ${RXC_CONSOLE_USER:-}   password: ${RXC_CONSOLE_PASSWORD:-}
  operator API     http://127.0.0.1:$RXC_GATEWAY_PORT/api/v1   (health: /healthz)
                   admin API key: $RXC_ADMIN_API_KEY
  enrollment       https://127.0.0.1:$RXC_ENROLL_PORT/api/v1/enroll   (CA: $RXC_PKI/ca.cert.pem)
  sensor mTLS API  https://127.0.0.1:$RXC_MTLS_PORT/sensor/v1
  NATS             nats://127.0.0.1:$RXC_NATS_PORT   (operator mode; resolver on the gateway)
  Orleans dashboard http://127.0.0.1:$RXC_SILO_HTTP_PORT/dashboard/
                   user: $RXC_DASHBOARD_USER   password: $RXC_DASHBOARD_PASSWORD
  silo health      http://127.0.0.1:$RXC_SILO_HTTP_PORT/healthz
  PostgreSQL       127.0.0.1:$RXC_PG_PORT, database ravenxcope (PG_DSN in .data/up.env)
  logs             $RXC_LOGS/

These values are also in .data/up.env (KEY=value). Onboard a sensor host:
  . .data/up.env; AUTH="Authorization: Bearer \$ADMIN_API_KEY"; JSON='Content-Type: application/json'
  curl -H "\$AUTH" -H "\$JSON" -d '{"tenantId":"acme","name":"Acme"}' \$GATEWAY_URL/api/v1/tenants
  curl -H "\$AUTH" -H "\$JSON" -d '{"sensorId":"edge-1","name":"Edge 1"}' \$GATEWAY_URL/api/v1/tenants/acme/sensors
  curl -H "\$AUTH" -X POST \$GATEWAY_URL/api/v1/tenants/acme/sensors/edge-1/claim-codes   # its joinCommand:
  \$SENSOR_BIN enroll --url \$ENROLL_URL --code <claimCode> --state-dir .data/sensors/edge-1
  \$SENSOR_BIN run --state-dir .data/sensors/edge-1 --interface lo --suricata-arg=-S --suricata-arg=/etc/suricata/rules/decoder-events.rules
      (as root, with Suricata 7 installed; -S names a rule file until suricata-update has fetched Suricata's rules)
  (without Suricata: --suricata-command "\$PWD/tests/standin/suricata-standin.sh" runs the stand-in instead)
Stop with scripts/down.sh.
SUMMARY
}

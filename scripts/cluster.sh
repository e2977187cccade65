#!/usr/bin/env bash
# The service as it runs at scale, on loopback: a PostgreSQL primary with a streaming replica for reads, a Redis
# Cluster (three masters with a replica each), three API instances and nginx in front of them.
#
#   scripts/cluster.sh start   builds the service, starts everything, returns once nginx answers (http://127.0.0.1:8080)
#   scripts/cluster.sh stop    stops everything it started
#   scripts/cluster.sh fault kill-redis|start-redis|restart-postgres|kill-instance N|start-instance N
#                              injects (and heals) the outages of chaos runs
#
# Settings (environment): CLUSTER_PORT (nginx, default 8080; the instances use the next ports, PostgreSQL +11, the
# Redis Cluster's six nodes +12 to +17 (and each node's cluster bus 10000 above), the PostgreSQL replica +18), CLUSTER_DIR (data, logs and pids, default ./data/cluster), CLUSTER_INSTANCES (default 3). Any other
# setting of the service given in the environment (Booking__HoldTtl, RateLimiting__…) reaches every instance.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${CLUSTER_DIR:-$root/data/cluster}"
port="${CLUSTER_PORT:-8080}"
instances="${CLUSTER_INSTANCES:-3}"
pg_port=$((port + 11))
redis_ports=$(seq $((port + 12)) $((port + 17)))
replica_port=$((port + 18))
redis_nodes=$(for p in $redis_ports; do printf '127.0.0.1:%s\n' "$p"; done | paste -sd,)

as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

# Whether something on 127.0.0.1:$1 answers GET $2 with 200.
answers() {
  local status
  status=$( (exec 3<>"/dev/tcp/127.0.0.1/$1" && printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$2" >&3 && head -1 <&3) 2>/dev/null || true)
  [[ "$status" == *" 200"* ]]
}

wait_for() {
  local name=$1 check=$2
  for _ in $(seq 1 300); do
    if eval "$check"; then return 0; fi
    sleep 0.2
  done
  echo "$name did not start; see the logs in $dir" >&2
  exit 1
}

install_missing() {
  local missing=()
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  [ -n "$(pg_bin)" ] || missing+=(postgresql)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
  fi
}

start_postgres() {
  local bin
  bin="$(pg_bin)"
  if [ ! -f "$dir/pg/PG_VERSION" ]; then
    mkdir -p "$dir/pg"
    [ "$(id -u)" -ne 0 ] || chown postgres "$dir/pg"
    as_postgres "$bin/initdb" -D "$dir/pg" -U postgres -A trust >"$dir/initdb.log"
  fi
  as_postgres "$bin/pg_ctl" -D "$dir/pg" -l "$dir/pg/postgres.log" -w start \
    -o "-p $pg_port -k $dir/pg -c listen_addresses=127.0.0.1 -c max_connections=300" >/dev/null
  "$bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'moviebooking'" | grep -q 1 ||
    "$bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -qc "CREATE DATABASE moviebooking"
}

# A hot standby that follows the primary's WAL: a fresh base backup each start (-R makes it a standby).
start_replica() {
  local bin
  bin="$(pg_bin)"
  rm -rf "$dir/pg-replica"
  mkdir -p "$dir/pg-replica"
  [ "$(id -u)" -ne 0 ] || chown postgres "$dir/pg-replica"
  as_postgres "$bin/pg_basebackup" -h 127.0.0.1 -p "$pg_port" -U postgres -D "$dir/pg-replica/data" -R -X stream --checkpoint=fast \
    2>"$dir/pg-replica.log"
  as_postgres "$bin/pg_ctl" -D "$dir/pg-replica/data" -l "$dir/pg-replica/postgres.log" -w start \
    -o "-p $replica_port -k $dir/pg-replica -c listen_addresses=127.0.0.1 -c max_connections=300" >/dev/null
}

# Six nodes without persistence, made into a cluster of three masters with a replica each.
start_redis() {
  local nodes=()
  for p in $redis_ports; do
    mkdir -p "$dir/redis-$p"
    rm -f "$dir/redis-$p/nodes.conf"
    redis-server --port "$p" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
      --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 2000 --repl-diskless-sync-delay 0 \
      --pidfile "$dir/redis-$p.pid" --logfile "$dir/redis-$p/redis.log" --dir "$dir/redis-$p"
    nodes+=("127.0.0.1:$p")
  done
  for p in $redis_ports; do
    wait_for "Redis node $p" "redis-cli -p $p ping >/dev/null 2>&1"
  done
  redis-cli --cluster create "${nodes[@]}" --cluster-replicas 1 --cluster-yes >"$dir/redis-cluster.log"
  for p in $redis_ports; do
    wait_for "The Redis Cluster" "redis-cli -p $p cluster info 2>/dev/null | grep -q cluster_state:ok"
    wait_for "Redis node $p's first sync" "redis-cli -p $p info replication 2>/dev/null | grep -qE 'role:master|master_link_status:up'"
  done
}

stop_redis() {
  local signal=$1
  for p in $redis_ports; do
    if [ -f "$dir/redis-$p.pid" ]; then kill "$signal" "$(cat "$dir/redis-$p.pid")" 2>/dev/null || true; rm -f "$dir/redis-$p.pid"; fi
  done
}

start_instances() {
  echo "Building the service (Release)…"
  dotnet build "$root/src/MovieBooking.Api" -c Release -o "$dir/api" -v q -nologo >"$dir/build.log"
  # Shared by every instance: tokens, tickets and sandbox payments signed by one are good on all. Made once; a
  # secret missing from an older file is added.
  touch "$dir/secrets.env"
  for secret in Jwt__SigningKey:48 Tickets__SigningKey:32 Payments__Sandbox__KeySecret:32 Payments__Sandbox__WebhookSecret:32; do
    grep -q "^${secret%%:*}=" "$dir/secrets.env" || echo "${secret%%:*}=$(head -c "${secret##*:}" /dev/urandom | base64 -w0)" >>"$dir/secrets.env"
  done
  for i in $(seq 1 "$instances"); do
    start_instance "$i"
  done
}

# Starts instance $1 of the build in $dir/api and waits until it is ready.
start_instance() {
  local i=$1
  (
    set -a
    # shellcheck disable=SC1091
    . "$dir/secrets.env"
    set +a
    cd "$dir"
    ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Production}" PORT=$((port + i)) \
      Database__Provider=Postgres \
      ConnectionStrings__Default="Host=127.0.0.1;Port=$pg_port;Database=moviebooking;Username=postgres" \
      ConnectionStrings__Replica="Host=127.0.0.1;Port=$replica_port;Database=moviebooking;Username=postgres" \
      Redis__Configuration="$redis_nodes" \
      Payments__Gateway="${Payments__Gateway:-sandbox}" Payments__Sandbox__Enabled="${Payments__Sandbox__Enabled:-true}" \
      Seed__Demo=$([ "$i" -eq 1 ] && echo true || echo false) \
      nohup dotnet "$dir/api/MovieBooking.Api.dll" >>"$dir/api-$i.log" 2>&1 &
    echo $! >"$dir/api-$i.pid"
  )
  # The first instance migrates the database and seeds it before the others start.
  wait_for "API instance $i" "answers $((port + i)) /api/health/ready"
}

# Faults for chaos runs: each stops or restarts one part the way an outage does.
fault() {
  case "${1:-}" in
    kill-redis)
      # Every node killed, not shut down: with no persistence the data is gone, as after a crash of the whole cluster.
      stop_redis -9 ;;
    start-redis)
      start_redis ;;
    restart-postgres)
      as_postgres "$(pg_bin)/pg_ctl" -D "$dir/pg" -m fast -w restart >/dev/null ;;
    kill-instance)
      local pidfile="$dir/api-${2:?kill-instance needs an instance number}.pid"
      if [ -f "$pidfile" ]; then kill -9 "$(cat "$pidfile")" 2>/dev/null || true; rm -f "$pidfile"; fi ;;
    start-instance)
      start_instance "${2:?start-instance needs an instance number}" ;;
    *)
      echo "usage: $0 fault kill-redis|start-redis|restart-postgres|kill-instance N|start-instance N" >&2
      exit 2 ;;
  esac
}

start_nginx() {
  mkdir -p "$dir/nginx"
  {
    echo "worker_processes 2;"
    echo "worker_rlimit_nofile 16384;"
    echo "pid $dir/nginx.pid;"
    echo "error_log $dir/nginx-error.log warn;"
    echo "events { worker_connections 8192; }"
    echo "http {"
    echo "  access_log off;"
    for temp in client_body proxy fastcgi uwsgi scgi; do echo "  ${temp}_temp_path $dir/nginx/$temp;"; done
    echo "  upstream moviebooking {"
    for i in $(seq 1 "$instances"); do echo "    server 127.0.0.1:$((port + i));"; done
    echo "    keepalive 64;"
    echo "  }"
    echo "  server {"
    echo "    listen 127.0.0.1:$port;"
    echo "    # What nginx answers itself (a request it cannot parse, such as a NUL in the path; no instance answering) is"
    echo "    # problem+json like every answer of the service; the instances' own answers pass through untouched."
    echo "    error_page 400 =400 /.problem/400;"
    echo "    error_page 502 504 =502 /.problem/502;"
    echo "    location = /.problem/400 {"
    echo "      internal;"
    echo "      default_type application/problem+json;"
    echo "      return 200 '{\"type\":\"https://tools.ietf.org/html/rfc9110#section-15.5.1\",\"title\":\"The request is malformed.\",\"status\":400,\"detail\":\"The load balancer could not read the request (a NUL or another character not allowed in the path, or malformed headers).\"}';"
    echo "    }"
    echo "    location = /.problem/502 {"
    echo "      internal;"
    echo "      default_type application/problem+json;"
    echo "      add_header Retry-After 1 always;"
    echo "      return 200 '{\"type\":\"https://tools.ietf.org/html/rfc9110#section-15.6.3\",\"title\":\"Temporarily unavailable\",\"status\":502,\"detail\":\"No instance of the service answered. Try again in a moment.\"}';"
    echo "    }"
    echo "    location / {"
    echo "      proxy_pass http://moviebooking;"
    echo "      proxy_http_version 1.1;"
    echo "      proxy_set_header Connection \"\";"
    echo "      proxy_set_header Host \$host;"
    echo "      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;"
    echo "      proxy_set_header X-Forwarded-Proto \$scheme;"
    echo "      # Server-Sent Events go out as they are written; a stream may stay open for hours."
    echo "      proxy_buffering off;"
    echo "      proxy_read_timeout 1h;"
    echo "    }"
    echo "  }"
    echo "}"
  } >"$dir/nginx.conf"
  "$(command -v nginx || echo /usr/sbin/nginx)" -c "$dir/nginx.conf" -p "$dir/nginx"
  wait_for nginx "answers $port /api/health/ready"
}

stop_all() {
  if [ -f "$dir/nginx.pid" ]; then kill "$(cat "$dir/nginx.pid")" 2>/dev/null || true; rm -f "$dir/nginx.pid"; fi
  for pidfile in "$dir"/api-*.pid; do
    [ -f "$pidfile" ] || continue
    kill "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
  done
  stop_redis -TERM
  if [ -f "$dir/pg-replica/data/postmaster.pid" ]; then as_postgres "$(pg_bin)/pg_ctl" -D "$dir/pg-replica/data" -m fast -w stop >/dev/null || true; fi
  if [ -f "$dir/pg/postmaster.pid" ]; then as_postgres "$(pg_bin)/pg_ctl" -D "$dir/pg" -m fast -w stop >/dev/null || true; fi
}

case "${1:-start}" in
  start)
    install_missing
    mkdir -p "$dir"
    stop_all
    start_postgres
    start_replica
    start_redis
    start_instances
    start_nginx
    echo "Ready: http://127.0.0.1:$port (instances on ports $((port + 1))–$((port + instances)); logs in $dir)"
    ;;
  stop)
    stop_all
    echo "Stopped."
    ;;
  fault)
    shift
    fault "$@"
    ;;
  *)
    echo "usage: $0 start|stop|fault …" >&2
    exit 2
    ;;
esac

#!/usr/bin/env bash
# The service as it runs at scale, on loopback: PostgreSQL, Redis, three API instances and nginx in front of them.
#
#   scripts/cluster.sh start   builds the service, starts everything, returns once nginx answers (http://127.0.0.1:8080)
#   scripts/cluster.sh stop    stops everything it started
#   scripts/cluster.sh fault kill-redis|start-redis|restart-postgres|kill-instance N|start-instance N
#                              injects (and heals) the outages of chaos runs
#
# Settings (environment): CLUSTER_PORT (nginx, default 8080; the instances use the next ports, PostgreSQL +11 and
# Redis +12), CLUSTER_DIR (data, logs and pids, default ./data/cluster), CLUSTER_INSTANCES (default 3). Any other
# setting of the service given in the environment (Booking__HoldTtl, RateLimiting__…) reaches every instance.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${CLUSTER_DIR:-$root/data/cluster}"
port="${CLUSTER_PORT:-8080}"
instances="${CLUSTER_INSTANCES:-3}"
pg_port=$((port + 11))
redis_port=$((port + 12))

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

start_redis() {
  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --dir "$dir"
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
      Redis__Configuration="127.0.0.1:$redis_port" \
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
      # Killed, not shut down: with no persistence its data is gone, as after a crash.
      if [ -f "$dir/redis.pid" ]; then kill -9 "$(cat "$dir/redis.pid")" 2>/dev/null || true; rm -f "$dir/redis.pid"; fi ;;
    start-redis)
      start_redis
      wait_for Redis "redis-cli -p $redis_port ping >/dev/null 2>&1" ;;
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
  if [ -f "$dir/redis.pid" ]; then kill "$(cat "$dir/redis.pid")" 2>/dev/null || true; rm -f "$dir/redis.pid"; fi
  if [ -f "$dir/pg/postmaster.pid" ]; then as_postgres "$(pg_bin)/pg_ctl" -D "$dir/pg" -m fast -w stop >/dev/null || true; fi
}

case "${1:-start}" in
  start)
    install_missing
    mkdir -p "$dir"
    stop_all
    start_postgres
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

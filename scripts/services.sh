#!/usr/bin/env bash
# scripts/services.sh — install (if missing) and start the two services the tests and samples need,
# on loopback, in the background, idempotently:
#   * MariaDB (Debian's mariadb-server; MySQL 8 is not installable here) as a throwaway instance
#   * an S3 endpoint: moto_server (preinstalled in the machine image's Python), else s3rver from npm
# Usage:  eval "$(bash scripts/services.sh)"   # start + export DJ_* settings
#         bash scripts/services.sh stop | env
# Only `export` lines go to stdout; progress goes to stderr.
set -euo pipefail

SVC_DIR=${DJ_SERVICES_DIR:-/tmp/datajoint-dotnet-services}
DB_PORT=${DJ_PORT:-3306}
DB_PASS=${DJ_PASS:-datajoint}
S3_PORT=${DJ_S3_PORT:-9000}
S3_BUCKET=${DJ_S3_BUCKET:-datajoint-test}
S3_KEY=${DJ_S3_ACCESS_KEY:-datajoint}
S3_SECRET=${DJ_S3_SECRET_KEY:-datajoint}
DB_DIR=$SVC_DIR/mariadb
DB_SOCK=$DB_DIR/mysqld.sock
S3_DIR=$SVC_DIR/s3

say() { echo "[services] $*" >&2; }

print_env() {
  local stores
  stores=$(printf '{"main":{"protocol":"s3","endpoint":"127.0.0.1:%s","bucket":"%s","location":"dj","access_key":"%s","secret_key":"%s","secure":false,"region":"us-east-1"}}' \
    "$S3_PORT" "$S3_BUCKET" "$S3_KEY" "$S3_SECRET")
  cat <<ENV
export DJ_HOST=127.0.0.1
export DJ_PORT=$DB_PORT
export DJ_USER=root
export DJ_PASS=$DB_PASS
export DJ_S3_ENDPOINT=127.0.0.1:$S3_PORT
export DJ_S3_BUCKET=$S3_BUCKET
export DJ_S3_ACCESS_KEY=$S3_KEY
export DJ_S3_SECRET_KEY=$S3_SECRET
export DJ_STORES='$stores'
ENV
}

apt_ready=0
apt_install() {
  [ "$(id -u)" = 0 ] || { say "need root to apt-get install $*"; return 1; }
  if [ $apt_ready = 0 ]; then apt-get update -qq >/dev/null 2>&1 || true; apt_ready=1; fi
  mkdir -p "$SVC_DIR"; say "apt-get install $* (log: $SVC_DIR/apt.log)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >>"$SVC_DIR/apt.log" 2>&1 || { tail -20 "$SVC_DIR/apt.log" >&2; return 1; }
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
db_ping() { mariadb-admin --no-defaults --socket="$DB_SOCK" -uroot -p"$DB_PASS" ping >/dev/null 2>&1 \
         || mariadb-admin --no-defaults --socket="$DB_SOCK" -uroot ping >/dev/null 2>&1; }

start_mariadb() {
  local bin; bin=$(command -v mariadbd || true); [ -n "$bin" ] || bin=/usr/sbin/mariadbd
  if [ ! -x "$bin" ]; then say "installing mariadb-server from Debian"; apt_install mariadb-server mariadb-client; fi
  mkdir -p "$DB_DIR"
  if db_ping; then say "MariaDB already running ($DB_SOCK)"; else
    if port_open "$DB_PORT"; then
      say "port $DB_PORT already answers; assuming it is a MariaDB/MySQL server with the DJ_* credentials"; return 0
    fi
    local asroot=(); [ "$(id -u)" = 0 ] && asroot=(--user=root)
    if [ ! -d "$DB_DIR/data/mysql" ]; then
      say "initialising $DB_DIR/data"
      mariadb-install-db --no-defaults "${asroot[@]}" --datadir="$DB_DIR/data" \
        --auth-root-authentication-method=normal --skip-test-db >"$DB_DIR/install.log" 2>&1
    fi
    say "starting mariadbd on 127.0.0.1:$DB_PORT"
    setsid "$bin" --no-defaults "${asroot[@]}" --datadir="$DB_DIR/data" --socket="$DB_SOCK" \
      --pid-file="$DB_DIR/mysqld.pid" --port="$DB_PORT" --bind-address=127.0.0.1 --skip-name-resolve \
      --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
      --innodb-buffer-pool-size=256M --innodb-flush-log-at-trx-commit=2 --max-allowed-packet=64M \
      --max-connections=300 --log-error="$DB_DIR/error.log" </dev/null >/dev/null 2>&1 &
    local i; for i in $(seq 1 300); do db_ping && break; sleep 0.1; done
    db_ping || { say "MariaDB did not start; tail of $DB_DIR/error.log:"; tail -20 "$DB_DIR/error.log" >&2; return 1; }
  fi
  local auth=(-uroot -p"$DB_PASS")
  mariadb --no-defaults --socket="$DB_SOCK" "${auth[@]}" -e 'select 1' >/dev/null 2>&1 || auth=(-uroot)
  mariadb --no-defaults --socket="$DB_SOCK" "${auth[@]}" <<SQL
ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('$DB_PASS') OR unix_socket;
CREATE USER IF NOT EXISTS 'root'@'127.0.0.1';
ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY '$DB_PASS';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
FLUSH PRIVILEGES;
SQL
  say "MariaDB ready: $(mariadb --no-defaults -h127.0.0.1 -P"$DB_PORT" -uroot -p"$DB_PASS" -N -e 'select version()')"
}

find_moto() {
  local c
  for c in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/*/bin/moto_server "$(command -v moto_server 2>/dev/null || true)"; do
    [ -n "$c" ] && [ -x "$c" ] && { echo "$c"; return 0; }
  done
  return 1
}

ensure_s3rver() {
  # Fallback only: s3rver 3.7.1 writes a wrong XML namespace; the launcher rewrites it.
  command -v node >/dev/null || apt_install nodejs npm
  local dir=$SVC_DIR/s3rver
  if [ ! -f "$dir/node_modules/s3rver/package.json" ]; then
    say "installing s3rver@3.7.1 from npm"
    mkdir -p "$dir"; (cd "$dir" && { [ -f package.json ] || npm init -y >/dev/null 2>&1; } \
      && npm install --no-fund --no-audit --silent s3rver@3.7.1 >&2)
  fi
  cat >"$dir/launch.js" <<'JS'
'use strict';
const S3rver = require('s3rver');
const Account = require('s3rver/lib/models/account');
const env = process.env;
Account.DUMMY_ACCOUNT.createKeyPair(env.S3_KEY, env.S3_SECRET);
const server = new S3rver({ address: '127.0.0.1', port: Number(env.S3_PORT), directory: env.S3_DATA,
  silent: true, vhostBuckets: false, configureBuckets: [] });
const bad = 'http://doc.s3.amazonaws.com/2006-03-01/', good = 'http://s3.amazonaws.com/doc/2006-03-01/';
server.middleware.unshift(async (ctx, next) => { await next();
  if (typeof ctx.body === 'string' && ctx.body.includes(bad)) ctx.body = ctx.body.split(bad).join(good); });
server.run().catch(e => { console.error(e); process.exit(1); });
JS
  echo "$dir"
}

http_up() { curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$S3_PORT/"; }

start_s3() {
  mkdir -p "$S3_DIR"
  if http_up; then say "an HTTP server already answers on 127.0.0.1:$S3_PORT (taken as the S3 endpoint)"; else
    local moto
    if moto=$(find_moto); then
      say "starting moto_server on 127.0.0.1:$S3_PORT"
      setsid "$moto" -H 127.0.0.1 -p "$S3_PORT" </dev/null >"$S3_DIR/moto.log" 2>&1 &
      echo $! >"$S3_DIR/pid"
    else
      local dir; dir=$(ensure_s3rver)
      say "moto_server not found; starting s3rver on 127.0.0.1:$S3_PORT"
      (cd "$dir" && S3_PORT=$S3_PORT S3_KEY=$S3_KEY S3_SECRET=$S3_SECRET S3_DATA=$S3_DIR/data \
        exec setsid node launch.js </dev/null >"$S3_DIR/s3rver.log" 2>&1) &
      echo $! >"$S3_DIR/pid"
    fi
    local i; for i in $(seq 1 300); do http_up && break; sleep 0.1; done
    http_up || { say "S3 endpoint did not start"; return 1; }
  fi
  local code; code=$(curl -s -o /dev/null -w '%{http_code}' -X PUT "http://127.0.0.1:$S3_PORT/$S3_BUCKET")
  say "S3 endpoint ready on 127.0.0.1:$S3_PORT (bucket $S3_BUCKET: HTTP $code)"
}

stop_pidfile() {
  local pid; [ -f "$2" ] && pid=$(cat "$2") || return 0
  if kill "$pid" 2>/dev/null; then
    local i; for i in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    say "stopped $1"
  fi
  rm -f "$2"
}

case "${1:-start}" in
  start)
    command -v curl >/dev/null || apt_install curl ca-certificates
    start_mariadb
    start_s3
    print_env ;;
  stop) stop_pidfile mariadbd "$DB_DIR/mysqld.pid"; stop_pidfile "S3 endpoint" "$S3_DIR/pid" ;;
  env) print_env ;;
  *) echo "usage: $0 [start|stop|env]" >&2; exit 2 ;;
esac

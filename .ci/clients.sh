#!/usr/bin/env bash
# The API with the clients frontend developers use: relay-compiler and
# graphql-codegen over schema.graphql and the dashboard's documents in
# clients/ (then tsc over what they generated), the graphql-http audit of
# GraphQL over HTTP (every MUST and SHOULD) against bin/server in
# development and in production, and the dashboard's operations run with
# fetch against the development server, as are the README's examples.
# Each server gets a throwaway database and is stopped on exit, whatever
# happens.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
echo "== clients: relay-compiler, graphql-codegen, GraphQL-over-HTTP audit, dashboard operations"
SECONDS=0

# Always rebuild: a bin/server left from older code would test the wrong thing.
make build >/dev/null

cd clients
npm ci --prefer-offline --no-audit --no-fund --loglevel=error
echo "npm ci: done at ${SECONDS}s"
# relay-compiler wants its output folder and query file to exist.
rm -rf __generated__ generated && mkdir -p __generated__ generated && echo '{}' > generated/relay-queries.json
npx --no-install relay-compiler
npx --no-install graphql-codegen --config codegen.ts --silent
npx --no-install tsc -p .
echo "relay-compiler, graphql-codegen and tsc: ok at ${SECONDS}s"

server_pid=""
databases=()
stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
cleanup() {
  stop_server
  # The databases are on a shared server when one answers on localhost;
  # drop them there (a project-local cluster keeps them in .pgdata).
  if command -v psql >/dev/null; then
    for db in "${databases[@]}"; do
      psql -h localhost -U "${PGUSER:-postgres}" -d postgres -qc "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
    done
  fi
}
trap cleanup EXIT

free_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'
}

# start_server APP_ENV: bin/server serve on a free port and a new database.
start_server() {
  local env=$1 port db log
  port=$(free_port)
  db="sodoan_ci_clients_${env}_$$"
  databases+=("$db")
  log="$root/clients/generated/server-$env.log"
  APP_ENV=$env DATABASE_NAME=$db HTTP_ADDR=127.0.0.1:$port LOG_LEVEL=warn \
    "$root/bin/server" serve >"$log" 2>&1 </dev/null &
  server_pid=$!
  url="http://127.0.0.1:$port/graphql"
  for _ in $(seq 120); do
    if curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; then return 0; fi
    if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
    sleep 0.5
  done
  echo "bin/server ($env) did not become ready:"; cat "$log"; return 1
}

for env in development production; do
  start_server "$env"
  echo "== graphql-http audit, $env"
  node audit.mjs "$url"
  if [ "$env" = development ]; then
    echo "== dashboard operations (relay-compiler's text, codegen's types), $env"
    node generated/js/run.js "$url"
    echo "== README examples, $env"
    node readme.mjs "$url"
  fi
  stop_server
done
echo "clients checks took ${SECONDS}s"

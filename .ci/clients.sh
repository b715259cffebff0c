#!/usr/bin/env bash
# The API with the clients frontend developers use: relay-compiler and
# graphql-codegen over schema.graphql and the dashboard's documents in
# clients/ (then tsc over what they generated), the graphql-http audit of
# GraphQL over HTTP (every MUST and SHOULD) against bin/server in
# development and in production, and against the development server:
# graphql-codegen reading the schema from its URLs (introspection and the
# SDL file) and relay-compiler over the schema it discloses by
# introspection, each giving what the committed file gives; the
# dashboard's operations run with fetch, as are the README's examples.
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

# from_server URL: graphql-codegen with the schema read from the server
# (/graphql by introspection, /graphql/schema.graphql as SDL) must give the
# types it gave from schema.graphql; the introspected schema must equal the
# file (sorted), and relay-compiler over it must give the same artifacts.
from_server() {
  local url=$1 src f
  for src in "$url" "$url/schema.graphql"; do
    rm -rf generated/from-server
    CODEGEN_SCHEMA=$src CODEGEN_OUT=./generated/from-server npx --no-install graphql-codegen --config codegen.ts --silent
    cmp generated/graphql.ts generated/from-server/graphql.ts
    if [ "$src" = "$url" ]; then
      # codegen prints a scalar's description only from SDL, never from
      # introspection (the introspection check below compares those).
      for f in generated/schema.ts generated/from-server/schema.ts; do
        perl -0pe 's{^\s*/\*\*.*?\*/\n}{}gms' "$f" >"$f.nodoc"
      done
      cmp generated/schema.ts.nodoc generated/from-server/schema.ts.nodoc
    else
      cmp generated/schema.ts generated/from-server/schema.ts
    fi
    echo "graphql-codegen from $src: same types as from schema.graphql"
  done
  node introspect.mjs "$url" generated/introspected.graphql
  node -e '
    const c = require("./relay.config.json");
    Object.assign(c, { schema: "./generated/introspected.graphql", artifactDirectory: "./generated/relay-from-server" });
    c.persistConfig.file = "./generated/relay-queries-from-server.json";
    require("fs").writeFileSync("generated/relay.from-server.json", JSON.stringify(c));'
  rm -rf generated/relay-from-server && mkdir -p generated/relay-from-server
  echo '{}' >generated/relay-queries-from-server.json
  npx --no-install relay-compiler generated/relay.from-server.json >/dev/null
  diff -r __generated__ generated/relay-from-server
  cmp generated/relay-queries.json generated/relay-queries-from-server.json
  echo "relay-compiler over the introspected schema: same artifacts"
}

for env in development production; do
  start_server "$env"
  echo "== graphql-http audit, $env"
  node audit.mjs "$url"
  if [ "$env" = development ]; then
    echo "== graphql-codegen and relay-compiler against the server's schema, $env"
    from_server "$url"
    echo "== dashboard operations (relay-compiler's text, codegen's types), $env"
    node generated/js/run.js "$url"
    echo "== README examples, $env"
    node readme.mjs "$url"
  fi
  stop_server
done
echo "clients checks took ${SECONDS}s"

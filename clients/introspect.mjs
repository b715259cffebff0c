// The schema a running server discloses by introspection, against the
// committed schema.graphql: both printed as SDL after sorting types and
// fields by name (the server lists them in its own order), so any type,
// field, argument, default, description or deprecation that differs fails.
// The fetched SDL is written to OUT for relay-compiler, which reads only
// files (.ci/clients.sh compiles the dashboard against it too).
//   node introspect.mjs http://127.0.0.1:8080/graphql OUT.graphql
import { readFileSync, writeFileSync } from 'node:fs';
import { buildClientSchema, buildSchema, getIntrospectionQuery, lexicographicSortSchema, printSchema } from 'graphql';

const [url, out] = process.argv.slice(2);
if (!url || !out) {
  console.error('usage: node introspect.mjs URL OUT.graphql');
  process.exit(2);
}
const res = await fetch(url, {
  method: 'POST',
  headers: { 'Content-Type': 'application/json', Accept: 'application/graphql-response+json' },
  body: JSON.stringify({
    query: getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, inputValueDeprecation: true }),
  }),
});
const body = await res.json();
if (!res.ok || body.errors || !body.data) {
  console.error(`introspection failed: HTTP ${res.status} ${JSON.stringify(body.errors ?? body).slice(0, 600)}`);
  process.exit(1);
}
const served = buildClientSchema(body.data);
// Written in the server's order, which is what a client would store.
writeFileSync(out, printSchema(served) + '\n');
const sorted = (schema) => printSchema(lexicographicSortSchema(schema));
const fetched = sorted(served);
const committed = sorted(buildSchema(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8')));
if (fetched !== committed) {
  const a = committed.split('\n');
  const b = fetched.split('\n');
  const i = a.findIndex((line, n) => line !== b[n]);
  console.error(`introspection differs from schema.graphql at sorted line ${i + 1}:\n  file:   ${a[i]}\n  server: ${b[i]}`);
  process.exit(1);
}
console.log(`introspection matches schema.graphql (${fetched.split('\n').length} lines of sorted SDL)`);

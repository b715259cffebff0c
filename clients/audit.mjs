// Runs the GraphQL-over-HTTP audit of graphql-http against a running server
// and fails unless every MUST and every SHOULD passes.
//   node audit.mjs http://127.0.0.1:8080/graphql
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs URL');
  process.exit(2);
}
const results = await auditServer({ url });
const tally = {};
let failed = 0;
for (const r of results) {
  const level = r.name.split(' ')[0];
  tally[level] ??= { ok: 0, total: 0 };
  tally[level].total++;
  if (r.status === 'ok') {
    tally[level].ok++;
    continue;
  }
  if (level === 'MUST' || level === 'SHOULD') failed++;
  const body = r.response ? await r.response.text().catch(() => '') : '';
  console.log(`${r.status.toUpperCase()} ${r.id} ${r.name}\n    ${r.reason}${body ? `\n    body: ${body.slice(0, 300)}` : ''}`);
}
console.log(Object.entries(tally).map(([l, t]) => `${l} ${t.ok}/${t.total}`).join(', '));
process.exit(failed ? 1 : 0);

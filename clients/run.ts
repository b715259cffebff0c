// Runs the dashboard's operations, as relay-compiler wrote them, against a
// running server with fetch, the variables typed by graphql-codegen, and
// fails on any GraphQL error. Signs in as a demo officer, so the server
// must have the demo loaded (development on an empty database).
//   node generated/js/run.js http://127.0.0.1:8080/graphql
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { meros } from 'meros/browser';
import type {
  ActivityCreateMutation,
  ActivityCreateMutationVariables,
  LoginMutation,
  LoginMutationVariables,
  MemberListQuery,
  MemberListQueryVariables,
  ReportTileDeferredQueryVariables,
  ReportTileQuery,
  ReportTileQueryVariables,
  UnitFindQuery,
  UnitFindQueryVariables,
} from './generated/graphql.js';
import type { MemberListPaginationQuery$variables } from './__generated__/MemberListPaginationQuery.graphql.js';
import type { UnitCardRefetchQuery$variables } from './__generated__/UnitCardRefetchQuery.graphql.js';

const url = process.argv[2];
if (!url) {
  console.error('usage: node generated/js/run.js URL');
  process.exit(2);
}

// relay-compiler's persisted queries: the exact text Relay sends, by name.
const persisted: Record<string, string> = JSON.parse(readFileSync(new URL('../relay-queries.json', import.meta.url), 'utf8'));
const documents = new Map<string, string>();
for (const text of Object.values(persisted)) {
  const name = /^(?:query|mutation) (\w+)/.exec(text)?.[1];
  if (name) documents.set(name, text);
}

let token = '';
let passed = 0;
let failed = 0;

function check(ok: boolean, what: string, detail?: unknown) {
  if (ok) {
    passed++;
    console.log(`ok   ${what}`);
  } else {
    failed++;
    console.log(`FAIL ${what}${detail === undefined ? '' : `\n     ${JSON.stringify(detail).slice(0, 600)}`}`);
  }
}

function request(name: string, variables: object, accept: string): Promise<Response> {
  const query = documents.get(name);
  if (!query) throw new Error(`relay-compiler wrote no operation ${name}`);
  return fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: accept,
      'Accept-Language': 'en',
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
}

// run sends one operation as a modern client does and returns its data,
// counting a failure on any error.
async function run<T>(name: string, variables: object): Promise<T> {
  const res = await request(name, variables, 'application/graphql-response+json, application/json;q=0.9');
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  check(res.ok && !body.errors && body.data != null, `${name}: ${res.status}, no errors`, body);
  check(res.headers.get('x-ratelimit-remaining') !== null, `${name}: rate-limit headers`);
  return body.data as T;
}

const login: LoginMutationVariables = { input: { login: 'bithu.vptu', password: 'sodoan-demo-2026' } };
const signedIn = await run<LoginMutation>('LoginMutation', login);
token = signedIn?.login.token ?? '';
check(token !== '' && signedIn.login.userErrors.length === 0, 'login returns a token', signedIn);

const find: UnitFindQueryVariables = { search: 'van phong tinh uy' };
const found = await run<UnitFindQuery>('UnitFindQuery', find);
const unitId = found?.units.edges[0]?.node.id ?? '';
check(unitId !== '', 'the branch is found by a search without diacritics', found);

const refetch: UnitCardRefetchQuery$variables = { id: unitId };
const card = await run<{ node: { id: string; name: string } | null }>('UnitCardRefetchQuery', refetch);
check(card?.node?.id === unitId, 'node(id:) refetches the unit card', card);

const list: MemberListQueryVariables = { unitId };
const firstPage = await run<MemberListQuery & { unit: { members: { pageInfo: { endCursor: string | null; hasNextPage: boolean } } } }>('MemberListQuery', list);
const members = firstPage?.unit?.members;
check((members?.edges.length ?? 0) > 0 && members?.pageInfo.hasNextPage === true, 'the first page of members has a next page', members);

const next: MemberListPaginationQuery$variables = { id: unitId, count: 10, cursor: members?.pageInfo.endCursor ?? null };
const nextPage = await run<{ node: { members: { edges: { node: { id: string } }[] } } }>('MemberListPaginationQuery', next);
const seen = new Set(members?.edges.map((e) => e.node.id));
const more = nextPage?.node?.members.edges ?? [];
check(more.length > 0 && more.every((e) => !seen.has(e.node.id)), 'the pagination query continues after the first page', nextPage);

const tile: ReportTileQueryVariables = { unitId, year: 2022 };
const report = await run<ReportTileQuery>('ReportTileQuery', tile);
check((report?.unit?.stats.activities ?? 0) > 0 && report?.yearlyReport?.year === 2022, 'the report tile has 2022 figures', report);

// @defer: the stats come in a second part of a multipart/mixed answer.
const deferredVars: ReportTileDeferredQueryVariables = { unitId, year: 2022 };
const streamed = await request('ReportTileDeferredQuery', deferredVars, 'multipart/mixed; deferSpec=20220824, application/json');
check((streamed.headers.get('content-type') ?? '').startsWith('multipart/mixed'), '@defer is answered as multipart/mixed', streamed.headers.get('content-type'));
const parts = await meros<{ data?: { unit?: { name?: string } }; incremental?: { data: { stats?: { activities: number } }; label?: string }[]; hasNext?: boolean; errors?: unknown }>(streamed);
const payloads = [];
if (!(parts instanceof Response)) {
  for await (const part of parts) if (part.json) payloads.push(part.body);
}
const [initial, ...rest] = payloads;
const deferred = rest.flatMap((p) => p.incremental ?? []);
check(initial?.data?.unit?.name !== undefined && initial?.hasNext === true, '@defer: the first part has the unit name and hasNext', payloads);
check(deferred.some((i) => (i.data.stats?.activities ?? 0) > 0) && rest.at(-1)?.hasNext === false && payloads.every((p) => !p.errors),
  '@defer: a later part brings the deferred stats and ends with hasNext false', payloads);

const create: ActivityCreateMutationVariables = {
  input: {
    unitId, title: 'Sinh hoạt chi đoàn tháng 12 (clients check)', kind: 'MEETING', workArea: 'ORGANISATION_BUILDING',
    startsOn: '2023-12-15', status: 'DONE', idempotencyKey: randomUUID(),
  },
};
const created = await run<ActivityCreateMutation>('ActivityCreateMutation', create);
check(!!created?.activityCreate.activity?.id && created.activityCreate.userErrors.length === 0, 'activityCreate records the activity', created);

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

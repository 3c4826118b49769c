/**
 * A realistic RunSummary for the reporters' tests and for looking at the reports by eye:
 * three scenarios with passes, failures (written and derived), a copy, a second bucket,
 * warnings, text that needs escaping, and a scenario that failed to set up.
 */
import type { CaseResult, RunSummary, ScenarioActor, ScenarioResult } from '../results.js';
import type { ScenarioStartInfo } from './types.js';

export const SAMPLE_CWD = '/work/app';

const ACCOUNT = '123456789012';
const role = (name: string): string => `arn:aws:iam::${ACCOUNT}:role/amplify-photoapp-main-${name}`;
const ALICE = 'us-east-1:1f0e4c2a-9b7d-4e51-a3c8-5d2f6b9e0a71';
const host = (bucket: string): string => `https://${bucket}.s3.us-east-1.amazonaws.com`;
const MEDIA = 'media-bucket-7f3a';
const ARCHIVE = 'archive-bucket-22c9';

type CaseInput = Omit<CaseResult, 'scenario' | 'file' | 'index' | 'bucket' | 'reasons' | 'status'> &
  Partial<Pick<CaseResult, 'bucket' | 'reasons' | 'status'>>;

function scenario(name: string, file: string, durationMs: number, inputs: CaseInput[], warnings: string[] = [], error?: string): ScenarioResult {
  const abs = `${SAMPLE_CWD}/${file}`;
  const cases = inputs.map((c, index): CaseResult => ({
    scenario: name,
    file: abs,
    index,
    bucket: 'media',
    reasons: [],
    status: 'pass',
    ...c,
  }));
  return { name, file: abs, cases, durationMs, warnings, ...(error !== undefined ? { error } : {}) };
}

/**
 * `facts`: each scenario carries its actors and default bucket, as the runner writes them;
 * without, it is a result of an older version, from which reports infer what they can.
 */
export function sampleRunSummary(options: { facts?: boolean } = {}): RunSummary {
  const owners = scenario('Owners manage their own protected folder', 'scenarios/owner-protected.yaml', 2314, [
    {
      title: 'guest download public/readme.txt', actor: 'guest', op: 'download', path: 'public/readme.txt',
      expected: { outcome: 'allow' }, observed: { outcome: 'allow', body: 'hello' }, durationMs: 41, line: 31,
      role: role('unauthRole'), decidingRequest: { method: 'GET', url: `${host(MEDIA)}/public/readme.txt?x-id=GetObject`, status: 200 },
    },
    {
      title: 'guest upload public/guest.txt', actor: 'guest', op: 'upload', path: 'public/guest.txt',
      expected: { outcome: 'deny' }, observed: { outcome: 'deny', errorName: 'AccessDenied', message: 'Access Denied.' }, durationMs: 38, line: 35,
      role: role('unauthRole'), decidingRequest: { method: 'PUT', url: `${host(MEDIA)}/public/guest.txt?x-id=PutObject`, status: 403, code: 'AccessDenied' },
    },
    {
      title: 'alice upload protected/{identity}/photo.jpg', actor: 'alice', op: 'upload', path: `protected/${ALICE}/photo.jpg`,
      expected: { outcome: 'allow' }, observed: { outcome: 'allow' }, durationMs: 77, line: 39,
      role: role('authRole'), decidingRequest: { method: 'PUT', url: `${host(MEDIA)}/protected/${ALICE}/photo.jpg?x-id=PutObject`, status: 200 },
    },
    {
      title: 'bob download protected/{identity:alice}/photo.jpg', actor: 'bob', op: 'download', path: `protected/${ALICE}/photo.jpg`,
      expected: { outcome: 'allow' }, observed: { outcome: 'allow', body: 'data' }, durationMs: 45, line: 43,
      role: role('authRole'), decidingRequest: { method: 'GET', url: `${host(MEDIA)}/protected/${ALICE}/photo.jpg?x-id=GetObject`, status: 200 },
    },
    {
      title: "bob cannot delete alice's photo", actor: 'bob', op: 'remove', path: `protected/${ALICE}/photo.jpg`,
      expected: { outcome: 'deny' }, observed: { outcome: 'allow' }, durationMs: 52, line: 47, status: 'fail',
      reasons: ['expected the request to be denied (403 AccessDenied), but S3 answered 204: the authenticated role allows s3:DeleteObject on protected/*'],
      role: role('authRole'), decidingRequest: { method: 'DELETE', url: `${host(MEDIA)}/protected/${ALICE}/photo.jpg?x-id=DeleteObject`, status: 204 },
    },
    {
      title: 'alice list protected/{identity}/', actor: 'alice', op: 'list', path: `protected/${ALICE}/`,
      expected: { outcome: 'allow', keys: [`protected/${ALICE}/photo.jpg`] }, observed: { outcome: 'allow', keys: [`protected/${ALICE}/photo.jpg`] },
      durationMs: 36, line: 53, role: role('authRole'),
      decidingRequest: { method: 'GET', url: `${host(MEDIA)}/?list-type=2&prefix=protected%2F${encodeURIComponent(ALICE)}%2F`, status: 200 },
    },
    {
      title: 'alice copy public/readme.txt to protected/{identity}/copy.txt', actor: 'alice', op: 'copy', from: 'public/readme.txt',
      path: `protected/${ALICE}/copy.txt`, expected: { outcome: 'allow' }, observed: { outcome: 'allow' }, durationMs: 58, line: 58,
      role: role('authRole'), decidingRequest: { method: 'PUT', url: `${host(MEDIA)}/protected/${ALICE}/copy.txt?x-id=CopyObject`, status: 200 },
    },
    {
      title: 'carol reads "drafts & notes" <beta>', actor: 'carol', op: 'download', path: 'drafts/notes & ideas.txt',
      expected: { outcome: 'allow', body: 'v2' }, observed: { outcome: 'allow', body: 'v1' }, durationMs: 40, line: 64, status: 'fail',
      reasons: ['body: expected "v2", got "v1"'], role: role('editorsGroupRole'),
      decidingRequest: { method: 'GET', url: `${host(MEDIA)}/drafts/notes%20%26%20ideas.txt?x-id=GetObject`, status: 200 },
    },
    {
      title: 'guest getUrl public/readme.txt', actor: 'guest', op: 'getUrl', path: 'public/readme.txt',
      expected: { outcome: 'allow' }, observed: { outcome: 'allow', body: 'hello' }, durationMs: 63, line: 70, role: role('unauthRole'),
      decidingRequest: {
        method: 'GET',
        url: `${host(MEDIA)}/public/readme.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIAEXAMPLE%2F20250603%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20250603T091408Z&X-Amz-Expires=900&X-Amz-Security-Token=IQoJb3JpZ2luX2VjEXAMPLE&X-Amz-Signature=9f1c0d2e3b4a&X-Amz-SignedHeaders=host&x-id=GetObject`,
        status: 200,
      },
    },
  ], [
    'policy compiler: the s3:prefix condition "protected/${cognito-identity.amazonaws.com:sub}/*" on s3:ListBucket was kept as written; MinIO evaluates it per request.',
  ]);

  const p = 'public/derived/probe.txt';
  const s = 'shared/derived/probe.txt';
  const derived = (rule: string, note?: string) => ({ rule, ...(note ? { note } : {}) });
  const ok = (actor: string, op: CaseResult['op'], path: string, outcome: 'allow' | 'deny', r: string, rule: string, ms: number, note?: string): CaseInput => ({
    title: `${actor} ${op} ${path}`, actor, op, path, expected: { outcome }, durationMs: ms, line: 0, role: role(r),
    observed: outcome === 'allow' ? { outcome } : { outcome, errorName: 'AccessDenied', message: 'Access Denied.' },
    decidingRequest: {
      method: op === 'upload' ? 'PUT' : op === 'remove' ? 'DELETE' : 'GET',
      url: op === 'list' ? `${host(MEDIA)}/?list-type=2&prefix=${encodeURIComponent(path.replace(/[^/]*$/, ''))}` : `${host(MEDIA)}/${path}`,
      status: outcome === 'allow' ? (op === 'remove' ? 204 : 200) : 403,
      ...(outcome === 'deny' ? { code: 'AccessDenied' } : {}),
    },
    derived: derived(rule, note),
  });
  const drift = scenario('Paths map against enforced IAM', 'scenarios/derived-drift.yaml', 3871, [
    {
      title: 'signed-in user reads last year\'s report from the archive', actor: 'dana', op: 'download', path: 'reports/2024.csv', bucket: 'archive',
      expected: { outcome: 'allow' }, observed: { outcome: 'allow', body: 'year,total' }, durationMs: 47, line: 24, role: role('authRole'),
      decidingRequest: { method: 'GET', url: `${host(ARCHIVE)}/reports/2024.csv?x-id=GetObject`, status: 200 },
    },
    ok('guest', 'download', p, 'allow', 'unauthRole', 'paths["public/*"].guest has get', 39),
    {
      ...ok('guest', 'list', 'public/derived/', 'allow', 'unauthRole', 'paths["public/*"].guest has list', 34),
      observed: { outcome: 'deny', errorName: 'AccessDenied', message: 'Access Denied.' }, status: 'fail',
      decidingRequest: { method: 'GET', url: `${host(MEDIA)}/?list-type=2&prefix=public%2Fderived%2F`, status: 403, code: 'AccessDenied' },
      reasons: ['paths promises guest list on public/*, but the unauth role has no s3:ListBucket with an s3:prefix condition matching "public/derived/"'],
    },
    ok('guest', 'upload', p, 'deny', 'unauthRole', 'paths["public/*"].guest lacks write', 41),
    ok('guest', 'remove', p, 'deny', 'unauthRole', 'paths["public/*"].guest lacks delete', 33),
    ok('dana', 'download', p, 'allow', 'authRole', 'paths["public/*"].authenticated has get', 37),
    ok('dana', 'list', 'public/derived/', 'allow', 'authRole', 'paths["public/*"].authenticated has list', 35),
    ok('dana', 'upload', p, 'allow', 'authRole', 'paths["public/*"].authenticated has write', 61),
    ok('dana', 'remove', p, 'allow', 'authRole', 'paths["public/*"].authenticated has delete', 44),
    ok('erin', 'download', p, 'allow', 'adminGroupRole', 'paths["public/*"].groupsadmin has get', 36),
    ok('erin', 'upload', p, 'allow', 'adminGroupRole', 'paths["public/*"].groupsadmin has write', 58),
    {
      ...ok('erin', 'remove', p, 'allow', 'adminGroupRole', 'paths["public/*"].groupsadmin has delete', 40,
        'erin is in group admin, so holds the admin role only; the authenticated role\'s rules do not apply'),
      observed: { outcome: 'deny', errorName: 'AccessDenied', message: 'Access Denied.' }, status: 'fail',
      decidingRequest: { method: 'DELETE', url: `${host(MEDIA)}/${p}?x-id=DeleteObject`, status: 403, code: 'AccessDenied' },
      reasons: ['the admin group role has no s3:DeleteObject on public/*; the paths map promises it (groupsadmin: delete)'],
    },
    ok('dana', 'download', s, 'allow', 'authRole', 'paths["shared/*"].authenticated has get', 38),
    ok('dana', 'upload', s, 'allow', 'authRole', 'paths["shared/*"].authenticated has write', 57),
    ok('frank', 'download', s, 'allow', 'editorsGroupRole', 'paths["shared/*"].groupseditors has get', 35),
    ok('frank', 'upload', s, 'deny', 'editorsGroupRole', 'paths["shared/*"].groupseditors lacks write', 42,
      'paths also gives authenticated write on shared/*, but a member of editors holds only the editors role'),
  ], [
    'policy compiler: paths["shared/*"] gives authenticated users write but not delete; uploads that overwrite still succeed.',
    'derive: group admin has no rule for shared/*; its members were not probed there.',
  ]);

  const cross = scenario('Cross-account bucket policy', 'scenarios/cross-account.yaml', 412, [], [],
    'MinIO rejected the bucket policy for "partner-bucket-1234" (from scenarios/policies/partner-bucket.json):\n' +
      'Policy has invalid resource: arn:aws:s3:::partner-bucket/*\n' +
      'Every Resource must name the bucket "partner-bucket-1234".');

  const scenarios = [owners, drift, cross];
  if (options.facts) {
    for (const s of scenarios) Object.assign(s, { actors: SAMPLE_ACTORS[s.name] ?? [], defaultBucket: s === cross ? 'partner' : 'media' });
  }
  const all = scenarios.flatMap((x) => x.cases);
  return {
    scenarios,
    passed: all.filter((c) => c.status === 'pass').length,
    failed: all.filter((c) => c.status === 'fail').length + 1,
    errored: 1,
    durationMs: 7342,
    startedAt: '2025-06-03T09:14:07.512Z',
  };
}

/** The actors of each sample scenario, with their groups. */
const SAMPLE_ACTORS: Record<string, ScenarioActor[]> = {
  'Owners manage their own protected folder': [
    { name: 'guest', groups: [] }, { name: 'alice', groups: [] }, { name: 'bob', groups: [] }, { name: 'carol', groups: ['editors'] },
  ],
  'Paths map against enforced IAM': [
    { name: 'guest', groups: [] }, { name: 'dana', groups: [] }, { name: 'erin', groups: ['admin'] }, { name: 'frank', groups: ['editors'] },
  ],
  'Cross-account bucket policy': [{ name: 'guest', groups: [] }, { name: 'partner', groups: [] }],
};

/** What the runner sends at each scenario start. */
export function sampleScenarioInfos(summary: RunSummary = sampleRunSummary()): ScenarioStartInfo[] {
  return summary.scenarios.map((s) => ({ name: s.name, file: s.file, caseCount: s.cases.length }));
}

/**
 * A browser-client run with CORS refusals, as the runner records them: a case that passes because
 * it expects the refusal (the client retried, so the same preflight was refused three times), one
 * that fails because of it, and a case without any refusal.
 */
export function sampleCorsRunSummary(): RunSummary {
  const bucket = 'ase-browser-wrong-origin';
  const origin = 'http://localhost:5173';
  const refused = (method: string, url: string) => ({
    kind: 'preflight' as const, bucket, method, url, origin, status: 403,
    message: 'CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource\'s CORS spec.',
    detail: `rule #1: origin ${origin} is not in AllowedOrigins ["https://app.example.com"]`,
  });
  const blocked = (url: string) => `Access to XMLHttpRequest at '${url}' from origin '${origin}' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.`;
  const listUrl = `${host(bucket)}/?list-type=2&prefix=public%2F`;
  const putUrl = `${host(bucket)}/public/a.txt?x-id=PutObject`;
  const name = "CORS pitfall: the app's origin is not in AllowedOrigins [browser]";
  const pitfall = scenario(name, 'scenarios/browser/origin-not-allowed.yaml', 3120, [
    {
      title: 'alice list public/', actor: 'alice', op: 'list', path: 'public/', client: 'browser', durationMs: 972, line: 27,
      expected: { outcome: 'error', error: 'ERR_NETWORK' }, observed: { outcome: 'error', errorName: 'ERR_NETWORK', message: 'Network Error' },
      cors: [refused('GET', listUrl), refused('GET', listUrl), refused('GET', listUrl)], browserMessages: [blocked(listUrl)],
      decidingRequest: { method: 'GET', url: listUrl, status: 0 },
    },
    {
      title: 'alice upload public/a.txt', actor: 'alice', op: 'upload', path: 'public/a.txt', client: 'browser', durationMs: 795, line: 32,
      expected: { outcome: 'allow' }, observed: { outcome: 'error', errorName: 'ERR_NETWORK', message: 'Network Error' }, status: 'fail',
      reasons: ['expected allow, got error (ERR_NETWORK)'],
      cors: [refused('PUT', putUrl)], browserMessages: [blocked(putUrl)],
      decidingRequest: { method: 'PUT', url: putUrl, status: 0 },
    },
    {
      title: 'guest download public/readme.txt', actor: 'guest', op: 'download', path: 'public/readme.txt', client: 'browser', durationMs: 60, line: 37,
      expected: { outcome: 'allow' }, observed: { outcome: 'allow', body: 'hello' },
    },
  ]);
  Object.assign(pitfall, { client: 'browser', actors: [{ name: 'guest', groups: [] }, { name: 'alice', groups: [] }], defaultBucket: 'files' });
  return { scenarios: [pitfall], passed: 2, failed: 1, errored: 0, durationMs: 3500, startedAt: '2025-06-03T09:14:07.512Z' };
}

/**
 * The backend's own bucket CORS, enforced: a scenario read from a template (or an Amplify
 * backend) gets the bucket's CorsConfiguration as its `cors`, and the front door answers browser
 * preflights from that rule, as S3 would for the deployed bucket.
 */
import path from 'node:path';
import { getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stack } from '../../index.js';
import { appConfigForScenario } from '../../harness/runner/app-config.js';
import { planScenario } from '../../harness/runner/run.js';
import { loadScenarioText } from '../../harness/scenario/load.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { resolverDispatcher } from '../helpers/front-door-dispatcher.js';

const TEMPLATES = path.join(REPO_ROOT, 'test/fixtures/templates');
const BUCKET = 'files-444455556666-eu-central-1';
const S3_HOST = `https://${BUCKET}.s3.eu-central-1.amazonaws.com`;
// Generous: a cold synthesis of the fixture app takes over a minute on a loaded machine.
const SYNTH_TIMEOUT = 600_000;

let stack: Stack;
let previous: Dispatcher;
let resolver: Dispatcher;

beforeAll(async () => {
  const scenario = await loadScenarioText(`version: 1
name: plain template CORS
region: eu-central-1
template: ./plain-cfn.template.json
auth:
  accountId: "444455556666"
  users: { alice: {} }
buckets:
  - { name: files, bucketName: ${BUCKET}, paths: { "public/*": { authenticated: [get, write] } } }
derive: true
`, path.join(TEMPLATES, 'cors.yaml'));
  const plan = planScenario({ ...scenario, cases: [] });
  stack = await Stack.start();
  const loaded = await stack.load(appConfigForScenario(scenario, plan.users, 'backend-cors'));
  // The backend says what the bucket's CORS is: no "assumed the docs' rule" warning.
  expect(loaded.warnings.filter((w) => w.includes('has no `cors`'))).toEqual([]);
  previous = getGlobalDispatcher();
  resolver = resolverDispatcher(stack.frontDoor);
  setGlobalDispatcher(resolver);
}, 120_000);

afterAll(async () => {
  if (previous) setGlobalDispatcher(previous);
  await resolver?.close();
  await stack?.close();
});

describe("the template's bucket CORS in the front door", () => {
  it("allows the template's origin and methods, with its exposed headers and max age", async () => {
    const allowed = await fetch(`${S3_HOST}/public/a.txt`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'PUT' },
    });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(allowed.headers.get('access-control-allow-methods')).toBe('GET, PUT');
    expect(allowed.headers.get('access-control-expose-headers')).toBe('ETag');
    expect(allowed.headers.get('access-control-max-age')).toBe('600');
  });

  it('refuses what the rule does not allow: another origin, DELETE, a request header it does not list', async () => {
    const preflight = (origin: string, method: string, headers?: string) => fetch(`${S3_HOST}/public/a.txt`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': method, ...(headers ? { 'access-control-request-headers': headers } : {}) },
    });
    // The docs' default rule (any origin, DELETE, every header) would allow all three.
    for (const refused of [await preflight('http://localhost:5173', 'GET'), await preflight('https://app.example.com', 'DELETE'), await preflight('https://app.example.com', 'PUT', 'authorization')]) {
      expect(refused.status).toBe(403);
      expect(await refused.text()).toMatch(/CORSResponse: This CORS request is not allowed/);
    }
  });
});

describe('an Amplify backend', () => {
  it("gives the bucket it creates its CORS rule, naming the bucket's logical ID; buckets it only imports keep the default", async () => {
    const scenario = await loadScenarioText('version: 1\nname: fixture app\nbackend: ./amplify-app\nderive: true\n', path.join(REPO_ROOT, 'test/fixtures/backend-cors.yaml'));
    const byName = Object.fromEntries(scenario.buckets.map((b) => [b.name, b]));
    expect(byName['custom']!.cors).toEqual({
      CORSRules: [{
        AllowedHeaders: ['*'],
        AllowedMethods: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'],
        AllowedOrigins: ['*'],
        ExposeHeaders: ['x-amz-server-side-encryption', 'x-amz-request-id', 'x-amz-id-2', 'ETag'],
        MaxAgeSeconds: 3000,
      }],
    });
    expect(byName['custom']!.corsSource).toMatch(/^amplify-asedocsapp-emulator-sandbox-[0-9a-f]{10}\/custombucketstack[0-9A-F]{8}\/OwnersBucket[0-9A-F]+$/);
    expect(byName['guest']!.cors).toBeUndefined();
  }, SYNTH_TIMEOUT);
});

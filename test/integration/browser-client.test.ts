/**
 * The browser client: the bundled aws-amplify browser build in headless Chromium (the system's,
 * through playwright-core), reaching the stack only through its TLS front door, with the bucket's
 * CORS rules enforced as S3 enforces them. Every bundled browser scenario runs in both clients;
 * outcomes must be identical case by case except where the file says what a browser sees
 * instead (`inBrowser`), and there the CORS refusal is asserted.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStackDispatcher } from '../../emulator/transport/node.js';
import { recordingDispatcher } from '../../harness/runner/request-recorder.js';
import { Stack } from '../../emulator/stack.js';
import { BrowserRun } from '../../harness/runner/browser/browser-client.js';
import { locateChromium } from '../../harness/runner/browser/chromium.js';
import { planScenario } from '../../harness/runner/run.js';
import { runScenario } from '../../harness/runner/run-scenario.js';
import { loadScenarioFile } from '../../harness/scenario/load.js';

const dir = join(import.meta.dirname, '..', '..', 'scenarios', 'browser');
const fixtures = join(import.meta.dirname, '..', 'fixtures', 'browser');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
const chromium = locateChromium();

describe.skipIf(!chromium)('the browser client', () => {
  let stack: Stack;
  let browser: BrowserRun;
  let previous: Dispatcher;
  beforeAll(async () => {
    stack = await Stack.start();
    previous = getGlobalDispatcher();
    setGlobalDispatcher(recordingDispatcher(createStackDispatcher(stack.transportTargets)));
    browser = await BrowserRun.launch({ frontDoor: stack.frontDoor });
  }, 120_000);
  afterAll(async () => {
    const mine = getGlobalDispatcher();
    setGlobalDispatcher(previous);
    await mine.close();
    await browser?.close();
    await stack?.close();
  });

  it.each(files)('%s: identical outcomes in both clients, except the asserted CORS cases', async (file) => {
    const scenario = await loadScenarioFile(join(dir, file));
    const plan = planScenario(scenario);
    const inNode = await runScenario({ ...plan, client: 'node' }, stack, `n${files.indexOf(file)}`);
    const inBrowser = await runScenario({ ...plan, client: 'browser' }, stack, `b${files.indexOf(file)}`, {}, browser.clientHalf());
    expect(inNode.error).toBeUndefined();
    expect(inBrowser.error).toBeUndefined();
    const failures = (r: typeof inNode) => r.cases.filter((c) => c.status !== 'pass').map((c) => `${c.title}: ${c.reasons.join('; ')} (${c.observed.message ?? ''})`);
    expect(failures(inNode)).toEqual([]);
    expect(failures(inBrowser)).toEqual([]);
    for (const [i, c] of plan.cases.entries()) {
      const node = inNode.cases[i]!;
      const web = inBrowser.cases[i]!;
      expect(web.client).toBe('browser');
      expect(web.decidingRequest?.url ?? '').toMatch(/^https:\/\/[^/]*amazonaws\.com\//);
      if (!c.inBrowser) {
        // Each run has its own identity pool, so identity IDs in keys differ; the rest must not.
        const comparable = (o: typeof web.observed) => ({ outcome: o.outcome, error: o.errorName, body: o.body, keys: o.keys?.map((k) => k.replace(/[a-z]{2}-[a-z]+-\d:[0-9a-f-]{36}/, '<identity>')) });
        expect(comparable(web.observed), web.title).toEqual(comparable(node.observed));
        expect(web.cors, web.title).toBeUndefined();
      } else if (c.inBrowser.error === 'ERR_NETWORK') {
        expect(web.cors?.[0]?.kind, web.title).toBe('preflight');
        expect(web.observed.message, web.title).toMatch(/CORS: the preflight for (GET|PUT|HEAD|POST|DELETE) https:\/\/\S+ from origin http:\/\/\S+ was refused \(403\): CORSResponse: /);
        // Chromium's own words, as DevTools shows them, each once.
        expect(web.browserMessages?.[0], web.title).toMatch(/^Access to XMLHttpRequest at 'https:\/\/\S+' from origin 'http:\/\/\S+' has been blocked by CORS policy: /);
        expect(new Set(web.browserMessages).size).toBe(web.browserMessages!.length);
      }
    }
  }, 240_000);

  it('names the rule that did not match when a preflight is refused', async () => {
    const scenario = await loadScenarioFile(join(dir, 'allowed-headers-too-narrow.yaml'));
    const result = await runScenario({ ...planScenario(scenario), client: 'browser' }, stack, 'bh', {}, browser.clientHalf());
    const upload = result.cases[0]!;
    expect(upload.observed).toMatchObject({ outcome: 'error', errorName: 'ERR_NETWORK' });
    expect(upload.observed.message).toMatch(/request headers amz-sdk-invocation-id, amz-sdk-request are not in AllowedHeaders \["authorization","content-type","x-amz-\*"\]/);
  }, 120_000);

  it("fails a 6 MiB upload with Amplify's own error when ETag is not exposed", async () => {
    const scenario = await loadScenarioFile(join(dir, 'expose-headers-without-etag.yaml'));
    const result = await runScenario({ ...planScenario(scenario), client: 'browser' }, stack, 'be', {}, browser.clientHalf());
    expect(result.cases[0]!.observed.outcome).toBe('allow');
    expect(result.cases[1]!.observed.message).toMatch(/ETag missing from multipart upload.*Please ensure S3 bucket CORS configuration includes ETag as part of its `ExposeHeaders` element/);
  }, 120_000);

  it("starts each user's page from the sign-in service's session: one sign-in per user, not two", async () => {
    const plan = { ...planScenario(await loadScenarioFile(join(dir, 'docs-cors-rule.yaml'))), client: 'browser' as const };
    const before = stack.operationCounts.snapshot();
    const result = await runScenario(plan, stack, 'bs', {}, browser.clientHalf());
    const after = stack.operationCounts.snapshot();
    expect(result.error).toBeUndefined();
    expect(result.cases.filter((c) => c.status !== 'pass').map((c) => c.title)).toEqual([]);
    expect(plan.users.length).toBeGreaterThan(0);
    const sent = (op: string) => (after[op] ?? 0) - (before[op] ?? 0);
    expect({ initiateAuth: sent('InitiateAuth'), respondToAuthChallenge: sent('RespondToAuthChallenge') })
      .toEqual({ initiateAuth: plan.users.length, respondToAuthChallenge: plan.users.length });
  }, 120_000);

  it('serves the page from an https origin (a secure context) and matches the bucket rules against it', async () => {
    const plan = { ...planScenario(await loadScenarioFile(join(fixtures, 'https-origin.yaml'))), client: 'browser' as const };
    const secure = await runScenario(plan, stack, 'bo1', {}, browser.clientHalf());
    expect(secure.error).toBeUndefined();
    expect(secure.cases.map((c) => [c.title, c.status, c.observed.message ?? ''])).toEqual(plan.cases.map((c) => [expect.stringContaining(c.op), 'pass', '']));
    expect(secure.cases.every((c) => c.cors === undefined)).toBe(true);

    // The same app from http://app.example.com (another origin: the scheme differs) is refused,
    // and the refusal names the origin the page really had.
    const plain = { ...plan, scenario: { ...plan.scenario, origin: 'http://app.example.com' } };
    const refused = await runScenario(plain, stack, 'bo2', {}, browser.clientHalf());
    const upload = refused.cases[0]!;
    expect(upload.observed).toMatchObject({ outcome: 'error', errorName: 'ERR_NETWORK' });
    expect(upload.cors?.[0]).toMatchObject({ kind: 'preflight', origin: 'http://app.example.com', status: 403 });
    expect(upload.cors?.[0]?.detail).toContain('origin http://app.example.com is not in AllowedOrigins ["https://app.example.com"]');
  }, 120_000);
});


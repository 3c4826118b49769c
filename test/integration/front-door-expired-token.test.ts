/**
 * An expired session through the TLS front door, in a real browser: the bundled aws-amplify
 * browser build in Chromium keeps using credentials past their expiry (it refreshes them on its
 * own 50-minute clock), so its next S3 call carries an expired session token. MinIO refuses that
 * as 403 InvalidAccessKeyId; the front door must answer as AWS does, 400 ExpiredToken, with the
 * bucket's CORS headers on it, so the page reads the error (not a NetworkError) and the app can
 * refresh its credentials and go on.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppConfig } from '../../emulator/config.js';
import { Stack } from '../../emulator/stack.js';
import { BrowserRun } from '../../harness/runner/browser/browser-client.js';
import { locateChromium } from '../../harness/runner/browser/chromium.js';
import type { PageApi, PageOutcome } from '../../harness/runner/browser/page-entry.js';
import type { ResolvedCase } from '../../harness/runner/operations.js';

const REGION = 'us-east-1';
const BUCKET = 'ase-test-door-expiry';
const ORIGIN = 'http://localhost:5173';
const app: AppConfig = {
  id: 'doorexpiry', region: REGION, accountId: '123456789012',
  userPool: { id: `${REGION}_DoorExp01`, clientIds: ['doorexpiryclient0000000001'], groups: [], users: [] },
  identityPool: { id: `${REGION}:0e0e0e0e-1111-4000-8000-00000000e002`, allowGuestAccess: true },
  roles: {
    guest: { arn: 'arn:aws:iam::123456789012:role/guest', policies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`arn:aws:s3:::${BUCKET}/*`] }] }] },
    authenticated: { arn: 'arn:aws:iam::123456789012:role/auth', policies: [] },
    groups: {},
  },
  buckets: [{ name: 'main', bucketName: BUCKET, region: REGION, paths: {}, cors: {
    CORSRules: [{ AllowedOrigins: [ORIGIN], AllowedMethods: ['GET', 'HEAD'], AllowedHeaders: ['*'], ExposeHeaders: ['ETag'] }],
  } }],
};

const chromium = locateChromium();
let stack: Stack;
let browser: BrowserRun;

beforeAll(async () => {
  // Credentials live 5 s here; Cognito's live an hour.
  stack = await Stack.start({ credentialsTtlSeconds: 5 });
  if (chromium) browser = await BrowserRun.launch({ frontDoor: stack.frontDoor, warmPages: 0 });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

it.skipIf(!chromium)('answers an expired session from the browser with 400 ExpiredToken the page can read, and the refreshed credentials work', async () => {
  const loaded = await stack.load(app);
  await stack.admin.putObject(BUCKET, 'hello.txt', 'hi');
  const opened = await browser.openPages(1, ORIGIN);
  try {
    const page = opened.pages[0]!;
    const responses: Array<{ status: number; allowOrigin: string | undefined }> = [];
    page.on('response', (r) => {
      if (r.url().startsWith(`https://${BUCKET}.s3.`) && r.request().method() === 'GET') responses.push({ status: r.status(), allowOrigin: r.headers()['access-control-allow-origin'] });
    });
    type Page = { ase: PageApi };
    const run = (c: ResolvedCase) => page.evaluate((x) => (globalThis as unknown as Page).ase.run(x), c) as Promise<PageOutcome>;
    const identity = (forceRefresh = false) => page.evaluate((f) => (globalThis as unknown as Page).ase.identity(f), forceRefresh);
    const download: ResolvedCase = { op: 'download', path: 'hello.txt', bucket: 'main' };
    await page.evaluate((outputs) => (globalThis as unknown as Page).ase.start(outputs, 'guest'), loaded.outputs);

    const first = await run(download);
    expect(first).toEqual({ ok: true, result: { body: 'hi' } });
    const before = await identity();

    // The credentials were issued before the first call: 6 s later they have expired, however slow the machine.
    await new Promise((r) => setTimeout(r, 6_000));
    const expired = await run(download);
    expect(expired).toMatchObject({ ok: false, name: 'ExpiredToken' });
    // Every answer to the expired session was AWS's 400, readable by the page (the rule's origin).
    const refused = responses.slice(1);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused).toEqual(refused.map(() => ({ status: 400, allowOrigin: ORIGIN })));

    // What an app does on ExpiredToken: new credentials, and the call goes through.
    const after = await identity(true);
    expect(after.accessKeyId).toBeDefined();
    expect(after.accessKeyId).not.toBe(before.accessKeyId);
    expect(after.identityId).toBe(before.identityId);
    const again = await run(download);
    expect(again).toEqual({ ok: true, result: { body: 'hi' } });
  } finally {
    await opened.close();
    await stack.unload(app.id);
  }
}, 120_000);

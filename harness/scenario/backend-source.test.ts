/**
 * What a scenario takes from `template:` (the same reading as `backend:`, without a synthesis):
 * bucket CORS and bucket policies with their sources, the scenario's own values winning.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appFlagDependencies, backendDependencies } from './backend-source.js';
import { loadScenarioText } from './load.js';

const TEMPLATE = resolve('test/fixtures/templates/plain-cfn.template.json');
const BUCKET = 'files-444455556666-eu-central-1';
const file = resolve('test/fixtures/templates/scenario.yaml');

const scenario = (buckets: string) => loadScenarioText(`version: 1
name: plain
derive: true
region: eu-central-1
template: ./plain-cfn.template.json
auth:
  accountId: "444455556666"
buckets:
${buckets}
`, file);

describe('template: bucket CORS and bucket policy', () => {
  it('takes the bucket\'s CorsConfiguration as its cors, naming the bucket resource it came from', async () => {
    const loaded = await scenario(`  - { name: files, bucketName: ${BUCKET}, paths: { "public/*": { authenticated: [get] } } }`);
    expect(loaded.buckets[0]!.cors).toEqual({
      CORSRules: [{ AllowedMethods: ['GET', 'PUT'], AllowedOrigins: ['https://app.example.com'], ExposeHeaders: ['ETag'], MaxAgeSeconds: 600 }],
    });
    expect(loaded.buckets[0]!.corsSource).toBe('plain-cfn/Files');
    expect(loaded.buckets[0]!.bucketPolicySource).toBe('plain-cfn/FilesPolicy');
    expect(loaded.backend?.source).toBe(TEMPLATE);
  });

  it('keeps the cors the scenario writes (explicit values win), also `none`', async () => {
    const own = await scenario(`  - name: files
    bucketName: ${BUCKET}
    paths: { "public/*": { authenticated: [get] } }
    cors: { CORSRules: [{ AllowedOrigins: ["http://localhost:5173"], AllowedMethods: [GET] }] }`);
    expect(own.buckets[0]!.cors).toEqual({ CORSRules: [{ AllowedOrigins: ['http://localhost:5173'], AllowedMethods: ['GET'] }] });
    expect(own.buckets[0]!.corsSource).toBeUndefined();
    const none = await scenario(`  - { name: files, bucketName: ${BUCKET}, paths: { "public/*": { authenticated: [get] } }, cors: none }`);
    expect(none.buckets[0]!.cors).toBe('none');
  });

  it("refuses a template CORS rule S3 would refuse, naming the bucket's logical ID", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ase-backend-cors-'));
    try {
      const bad = readFileSync(TEMPLATE, 'utf8').replace('"AllowedMethods": ["GET", "PUT"]', '"AllowedMethods": ["GET", "PATCH"]');
      writeFileSync(join(dir, 'plain-cfn.template.json'), bad);
      const error = await loadScenarioText(`version: 1\nname: bad\nregion: eu-central-1\nderive: true\ntemplate: ./plain-cfn.template.json\nauth: { accountId: "444455556666" }\nbuckets:\n  - { name: files, bucketName: ${BUCKET}, paths: { "public/*": { authenticated: [get] } } }\n`, join(dir, 's.yaml'))
        .then(() => undefined, (e: unknown) => e as Error);
      expect(error?.message).toMatch(/s\.yaml:5:\d+: plain-cfn\/Files: CorsConfiguration CORSRules\.0\.AllowedMethods\.1: .*PATCH.* \(S3 would answer InvalidRequest\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves a bucket the template does not create to the default rule (with its warning at run time)', async () => {
    const loaded = await scenario(`  - { name: other, bucketName: someone-elses-bucket, paths: { "public/*": { authenticated: [get] } } }`);
    expect(loaded.buckets[0]!.cors).toBeUndefined();
  });
});

describe('what ase test --watch watches for a scenario read from an app', () => {
  it('the template it was read from; for --backend alone, the amplify/ folder', async () => {
    const loaded = await scenario(`  - { name: files, bucketName: ${BUCKET}, paths: { "public/*": { authenticated: [get] } } }`);
    expect(backendDependencies(loaded)).toEqual([{ path: TEMPLATE, folder: false }]);
    const app = resolve('test/fixtures/amplify-app');
    expect(appFlagDependencies({ backend: app })).toEqual([{ path: resolve(app, 'amplify'), folder: true }]);
    expect(appFlagDependencies({ template: TEMPLATE })).toEqual([{ path: TEMPLATE, folder: false }]);
    expect(appFlagDependencies({})).toEqual([]);
  });
});

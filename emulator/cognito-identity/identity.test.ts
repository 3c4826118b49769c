import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildEmulator } from '../app.js';
import { IdentityPoolStore, type RoleBinding } from './store.js';
import { SessionRegistry, type CredentialVendor, type VendRequest } from '../credentials/vendor.js';
import { SigningKeys } from '../keys.js';
import { createTestDeps, signInWithPassword, TEST_CLIENT_ID, TEST_POOL_ID, type TestDeps } from '../cognito-idp/testing.js';

const GUEST = 'arn:aws:iam::123456789012:role/guest';
const AUTH = 'arn:aws:iam::123456789012:role/auth';
const ADMIN = 'arn:aws:iam::123456789012:role/admin';
const EDITORS = 'arn:aws:iam::123456789012:role/editors';
const POOL = 'us-east-1:00000000-0000-4000-8000-000000000001';
const PROVIDER = `cognito-idp.us-east-1.amazonaws.com/${TEST_POOL_ID}`;

/** Records who asked for which role; the real vendor (MinIO) is exercised by the integration tests. */
class RecordingVendor implements CredentialVendor {
  requests: VendRequest[] = [];
  async vend(request: VendRequest) {
    this.requests.push(request);
    return { accessKeyId: `AK${this.requests.length}`, secretAccessKey: 'secret', sessionToken: 'token', expiration: new Date('2026-01-01T01:00:00Z') };
  }
}

let deps: TestDeps;
let vendor: RecordingVendor;
let identityPools: IdentityPoolStore;
let app: FastifyInstance;

function loadPool(allowGuestAccess: boolean) {
  const binding = (arn: string): RoleBinding => ({ roleArn: arn, minioPolicy: `policy-${arn.split('/').pop()}` });
  identityPools.loadPool({
    id: POOL, region: 'us-east-1', accountId: '123456789012', allowGuestAccess,
    providers: new Map([[PROVIDER, [TEST_CLIENT_ID]]]),
    guestRoleArn: GUEST, authenticatedRoleArn: AUTH,
    roles: new Map([GUEST, AUTH, ADMIN, EDITORS].map((arn) => [arn, binding(arn)])),
  });
}

async function call(target: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await app.inject({
    method: 'POST', url: '/',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityService.${target}`, ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.statusCode, type: response.headers['x-amzn-errortype'], body: response.json() as Record<string, any> };
}

const logins = (idToken: string) => ({ [PROVIDER]: idToken });

beforeEach(async () => {
  deps = await createTestDeps();
  vendor = new RecordingVendor();
  identityPools = new IdentityPoolStore();
  loadPool(true);
  app = buildEmulator({
    services: { clock: deps.clock, keys: deps.keys, userPools: deps.store, identityPools, vendor, sessions: new SessionRegistry() },
    baseUrl: () => 'http://127.0.0.1:1',
  });
});
afterEach(() => app.close());

describe('GetId', () => {
  it('gives the same user the same identity ID, shaped <region>:<uuid>', async () => {
    const { IdToken } = await signInWithPassword(deps, 'bob');
    const first = await call('GetId', { IdentityPoolId: POOL, Logins: logins(IdToken) });
    const again = await call('GetId', { IdentityPoolId: POOL, Logins: logins((await signInWithPassword(deps, 'bob')).IdToken) });
    expect(first.status).toBe(200);
    expect(first.body.IdentityId).toMatch(/^us-east-1:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(again.body.IdentityId).toBe(first.body.IdentityId);
    const alice = await call('GetId', { IdentityPoolId: POOL, Logins: logins((await signInWithPassword(deps, 'alice')).IdToken) });
    expect(alice.body.IdentityId).not.toBe(first.body.IdentityId);
  });

  it('gives each guest a new identity when guest access is on', async () => {
    const a = await call('GetId', { IdentityPoolId: POOL });
    const b = await call('GetId', { IdentityPoolId: POOL });
    expect(a.body.IdentityId).toMatch(/^us-east-1:/);
    expect(b.body.IdentityId).not.toBe(a.body.IdentityId);
  });

  it('refuses guests with NotAuthorizedException when guest access is off', async () => {
    loadPool(false);
    const r = await call('GetId', { IdentityPoolId: POOL });
    expect(r).toMatchObject({ status: 400, type: 'NotAuthorizedException', body: { __type: 'NotAuthorizedException' } });
  });

  it('refuses a tampered, an expired, a foreign and a wrong-audience ID token', async () => {
    const { IdToken, AccessToken } = await signInWithPassword(deps, 'bob');
    const [h, p, s] = IdToken.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url')}.${s}`;
    const foreign = await (await SigningKeys.generate()).sign(claims);
    const wrongAudience = await deps.keys.sign({ ...claims, aud: 'another-client' });
    for (const token of [tampered, foreign, wrongAudience, AccessToken]) {
      const r = await call('GetId', { IdentityPoolId: POOL, Logins: logins(token) });
      expect(r.type, token === AccessToken ? 'an access token is not an ID token' : 'bad token').toBe('NotAuthorizedException');
    }
    deps.clock.advance(2 * 3600_000);
    const expired = await call('GetId', { IdentityPoolId: POOL, Logins: logins(IdToken) });
    expect(expired).toMatchObject({ status: 400, type: 'NotAuthorizedException' });
    expect(expired.body.message).toMatch(/expired/i);
  });

  it('refuses a login from a provider the pool does not trust', async () => {
    const { IdToken } = await signInWithPassword(deps, 'bob');
    const r = await call('GetId', { IdentityPoolId: POOL, Logins: { 'cognito-idp.us-east-1.amazonaws.com/us-east-1_Other': IdToken } });
    expect(r.type).toBe('NotAuthorizedException');
  });

  it('answers ResourceNotFoundException for an unknown pool', async () => {
    const r = await call('GetId', { IdentityPoolId: 'us-east-1:00000000-0000-4000-8000-00000000dead' });
    expect(r).toMatchObject({ status: 400, type: 'ResourceNotFoundException' });
  });
});

describe('GetCredentialsForIdentity', () => {
  async function credentialsFor(user: string) {
    const { IdToken } = await signInWithPassword(deps, user);
    const { body: { IdentityId } } = await call('GetId', { IdentityPoolId: POOL, Logins: logins(IdToken) });
    return call('GetCredentialsForIdentity', { IdentityId, Logins: logins(IdToken) });
  }

  it("gives a group member the preferred group's role only, and others the authenticated role", async () => {
    const alice = await credentialsFor('alice'); // in editors (precedence 1) and admin (0)
    const bob = await credentialsFor('bob');
    expect(alice.status).toBe(200);
    expect(vendor.requests.map((r) => r.role.roleArn)).toEqual([ADMIN, AUTH]);
    expect(vendor.requests[0]!.identityId).toBe(alice.body.IdentityId);
    expect(bob.body.Credentials).toEqual({ AccessKeyId: 'AK2', SecretKey: 'secret', SessionToken: 'token', Expiration: 1767229200 });
  });

  it('gives a guest the unauthenticated role', async () => {
    const { body: { IdentityId } } = await call('GetId', { IdentityPoolId: POOL });
    const r = await call('GetCredentialsForIdentity', { IdentityId });
    expect(r.status).toBe(200);
    expect(vendor.requests[0]!.role.roleArn).toBe(GUEST);
  });

  it('refuses an authenticated identity asked for without its login, and another user\'s login', async () => {
    const { IdToken } = await signInWithPassword(deps, 'bob');
    const { body: { IdentityId } } = await call('GetId', { IdentityPoolId: POOL, Logins: logins(IdToken) });
    expect((await call('GetCredentialsForIdentity', { IdentityId })).type).toBe('NotAuthorizedException');
    const alice = await signInWithPassword(deps, 'alice');
    expect((await call('GetCredentialsForIdentity', { IdentityId, Logins: logins(alice.IdToken) })).type).toBe('NotAuthorizedException');
    expect(vendor.requests).toHaveLength(0);
  });

  it('refuses a guest identity once guest access is turned off', async () => {
    const { body: { IdentityId } } = await call('GetId', { IdentityPoolId: POOL });
    loadPool(false);
    expect((await call('GetCredentialsForIdentity', { IdentityId })).type).toBe('NotAuthorizedException');
  });
});

describe('JSON 1.1 protocol', () => {
  it('answers an unknown target with UnknownOperationException', async () => {
    const r = await call('DescribeIdentityPool', { IdentityPoolId: POOL });
    expect(r).toMatchObject({ status: 400, type: 'UnknownOperationException', body: { __type: 'UnknownOperationException' } });
  });

  it('answers malformed JSON with SerializationException', async () => {
    const r = await call('GetId', '{"IdentityPoolId": ');
    expect(r).toMatchObject({ status: 400, type: 'SerializationException' });
  });
});

describe('STS', () => {
  async function sts(params: Record<string, string>, headers: Record<string, string> = {}) {
    const response = await app.inject({
      method: 'POST', url: '/',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      payload: new URLSearchParams({ Version: '2011-06-15', ...params }).toString(),
    });
    return { status: response.statusCode, body: response.body };
  }

  async function openIdToken(user?: string) {
    const idToken = user ? (await signInWithPassword(deps, user)).IdToken : undefined;
    const { body: { IdentityId } } = await call('GetId', { IdentityPoolId: POOL, ...(idToken ? { Logins: logins(idToken) } : {}) });
    const { body } = await call('GetOpenIdToken', { IdentityId, ...(idToken ? { Logins: logins(idToken) } : {}) });
    return body as { IdentityId: string; Token: string };
  }

  it('AssumeRoleWithWebIdentity (classic flow) vends credentials for a role the token is trusted for', async () => {
    const { IdentityId, Token } = await openIdToken('bob');
    const r = await sts({ Action: 'AssumeRoleWithWebIdentity', RoleArn: AUTH, RoleSessionName: 'app', WebIdentityToken: Token });
    expect(r.status).toBe(200);
    expect(r.body).toContain('<AccessKeyId>AK1</AccessKeyId>');
    expect(r.body).toContain(`<SubjectFromWebIdentityToken>${IdentityId}</SubjectFromWebIdentityToken>`);
    expect(r.body).toContain('<Arn>arn:aws:sts::123456789012:assumed-role/auth/app</Arn>');
    expect(r.body).toContain('<Expiration>2026-01-01T01:00:00.000Z</Expiration>');
  });

  it('refuses a guest token for the authenticated role, and a forged token', async () => {
    const { Token } = await openIdToken();
    const denied = await sts({ Action: 'AssumeRoleWithWebIdentity', RoleArn: AUTH, RoleSessionName: 'app', WebIdentityToken: Token });
    expect(denied.status).toBe(403);
    expect(denied.body).toContain('<Code>AccessDenied</Code>');
    const forged = await (await SigningKeys.generate()).sign({ iss: 'https://cognito-identity.amazonaws.com', aud: POOL, sub: 'x', amr: ['authenticated'] });
    const invalid = await sts({ Action: 'AssumeRoleWithWebIdentity', RoleArn: AUTH, RoleSessionName: 'app', WebIdentityToken: forged });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toContain('<Code>InvalidIdentityToken</Code>');
  });

  it('GetCallerIdentity names the role session of the access key that signed the request', async () => {
    const sessions = new SessionRegistry();
    sessions.record('AKIDEXAMPLE', { roleArn: ADMIN, identityId: 'us-east-1:x', accountId: '123456789012', expiration: new Date() });
    await app.close();
    app = buildEmulator({
      services: { clock: deps.clock, keys: deps.keys, userPools: deps.store, identityPools, vendor, sessions },
      baseUrl: () => 'http://127.0.0.1:1',
    });
    const auth = 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=abc';
    const ok = await sts({ Action: 'GetCallerIdentity' }, { authorization: auth });
    expect(ok.body).toContain('<Arn>arn:aws:sts::123456789012:assumed-role/admin/CognitoIdentityCredentials</Arn>');
    expect(ok.body).toContain('<Account>123456789012</Account>');
    const unknown = await sts({ Action: 'GetCallerIdentity' });
    expect(unknown.status).toBe(403);
    expect(unknown.body).toContain('<Code>InvalidClientTokenId</Code>');
  });

  it('answers an unknown action with InvalidAction', async () => {
    const r = await sts({ Action: 'AssumeRole' });
    expect(r.status).toBe(400);
    expect(r.body).toContain('<Code>InvalidAction</Code>');
  });
});

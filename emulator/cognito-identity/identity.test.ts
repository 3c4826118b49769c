import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildEmulator } from '../app.js';
import { IdentityPoolStore, type RoleBinding } from './store.js';
import type { CredentialVendor, VendRequest } from '../credentials/vendor.js';
import { SigningKeys } from '../keys.js';
import type { IamPolicyDocument } from '../policy/types.js';
import { createTestDeps, sigV4Headers, signInWithPassword, TEST_ADMIN, TEST_CLIENT_ID, TEST_POOL_ID, type TestDeps } from '../../test/helpers/cognito-idp.js';
import { amplifyTrustPolicy } from './trust.js';

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

function loadPool(allowGuestAccess: boolean, options: { allowClassicFlow?: boolean; trust?: Record<string, IamPolicyDocument> } = {}) {
  const binding = (arn: string): RoleBinding => ({
    roleArn: arn,
    minioPolicy: `policy-${arn.split('/').pop()}`,
    trustPolicy: options.trust?.[arn] ?? amplifyTrustPolicy(POOL, arn === GUEST ? 'guest' : 'authenticated'),
  });
  identityPools.loadPool({
    id: POOL, region: 'us-east-1', accountId: '123456789012', allowGuestAccess, allowClassicFlow: options.allowClassicFlow ?? false,
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

let otherKeys: { identity: SigningKeys; minio: SigningKeys } | undefined;

beforeEach(async () => {
  deps = await createTestDeps();
  otherKeys ??= { identity: SigningKeys.generate(), minio: SigningKeys.generate() };
  vendor = new RecordingVendor();
  identityPools = new IdentityPoolStore();
  loadPool(true);
  app = buildEmulator({
    services: { clock: deps.clock, keys: { userPools: deps.keys, ...otherKeys }, userPools: deps.store, identityPools, vendor, callers: deps.callers },
    baseUrl: () => 'http://127.0.0.1:1',
  });
});
afterEach(() => app.close());

describe('GetId', () => {
  it("gives identity IDs in the identity pool's region (eu-west-1:<uuid> for a pool in eu-west-1), whatever the app's region", async () => {
    const EU_POOL = 'eu-west-1:00000000-0000-4000-8000-0000000000e1';
    identityPools.loadPool({
      id: EU_POOL, region: 'us-east-1', accountId: '123456789012', allowGuestAccess: true, allowClassicFlow: false,
      providers: new Map([[PROVIDER, [TEST_CLIENT_ID]]]),
      guestRoleArn: GUEST, authenticatedRoleArn: AUTH,
      roles: new Map([GUEST, AUTH].map((arn) => [arn, {
        roleArn: arn, minioPolicy: 'p', trustPolicy: amplifyTrustPolicy(EU_POOL, arn === GUEST ? 'guest' : 'authenticated'),
      }])),
    });
    const user = await call('GetId', { IdentityPoolId: EU_POOL, Logins: logins((await signInWithPassword(deps, 'bob')).IdToken) });
    expect(user.body.IdentityId).toMatch(/^eu-west-1:[0-9a-f-]{36}$/);
    const guest = await call('GetId', { IdentityPoolId: EU_POOL });
    expect(guest.body.IdentityId).toMatch(/^eu-west-1:[0-9a-f-]{36}$/);
  });

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
    const foreign = await SigningKeys.generate().sign(claims);
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

  it("refuses a role whose trust policy does not admit the identity (the enhanced flow assumes it too)", async () => {
    const otherPool: IamPolicyDocument = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { 'cognito-identity.amazonaws.com:aud': 'us-east-1:00000000-0000-4000-8000-0000000000ff' } } }],
    };
    loadPool(true, { trust: { [AUTH]: otherPool } });
    const bob = await credentialsFor('bob');
    expect(bob).toMatchObject({ status: 400, type: 'InvalidIdentityPoolConfigurationException',
      body: { message: 'Invalid identity pool configuration. Check assigned IAM roles for this pool.' } });
    expect(vendor.requests).toHaveLength(0);
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

  it('refuses GetOpenIdToken while the pool has no AllowClassicFlow (the default), as Cognito does', async () => {
    // The attack: a signed-in user takes the classic flow to a group's role. Refused at the first step.
    const { IdToken } = await signInWithPassword(deps, 'bob');
    const { body: { IdentityId } } = await call('GetId', { IdentityPoolId: POOL, Logins: logins(IdToken) });
    const r = await call('GetOpenIdToken', { IdentityId, Logins: logins(IdToken) });
    expect(r).toMatchObject({
      status: 400, type: 'InvalidParameterException',
      body: { __type: 'InvalidParameterException', message: 'Basic (classic) flow is not enabled, please use enhanced flow.' },
    });
  });

  it('AssumeRoleWithWebIdentity (classic flow) vends credentials for a role the token is trusted for', async () => {
    loadPool(true, { allowClassicFlow: true });
    const { IdentityId, Token } = await openIdToken('bob');
    const r = await sts({ Action: 'AssumeRoleWithWebIdentity', RoleArn: AUTH, RoleSessionName: 'app', WebIdentityToken: Token });
    expect(r.status).toBe(200);
    expect(r.body).toContain('<AccessKeyId>AK1</AccessKeyId>');
    expect(r.body).toContain(`<SubjectFromWebIdentityToken>${IdentityId}</SubjectFromWebIdentityToken>`);
    expect(r.body).toContain('<Arn>arn:aws:sts::123456789012:assumed-role/auth/app</Arn>');
    expect(r.body).toContain('<Expiration>2026-01-01T01:00:00.000Z</Expiration>');
  });

  it("with the classic flow on, the role's trust policy decides (aud, amr), as STS decides", async () => {
    const trust = (aud: string, amr: string): IamPolicyDocument => ({
      Version: '2012-10-17',
      Statement: [{
        Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { 'cognito-identity.amazonaws.com:aud': aud }, 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': amr } },
      }],
    });
    // Amplify's group-role trust admits any authenticated identity of the pool (that is why the
    // classic flow is off); a trust for another pool, or for guests only, admits no one here.
    loadPool(true, { allowClassicFlow: true, trust: { [ADMIN]: trust('us-east-1:00000000-0000-4000-8000-0000000000ff', 'authenticated'), [EDITORS]: trust(POOL, 'unauthenticated') } });
    const { Token } = await openIdToken('bob');
    const assume = (RoleArn: string) => sts({ Action: 'AssumeRoleWithWebIdentity', RoleArn, RoleSessionName: 'app', WebIdentityToken: Token });
    for (const role of [ADMIN, EDITORS, GUEST]) {
      const denied = await assume(role);
      expect(denied.status, role).toBe(403);
      expect(denied.body).toContain('<Code>AccessDenied</Code>');
      expect(denied.body).toContain('<Message>Not authorized to perform sts:AssumeRoleWithWebIdentity</Message>');
    }
    expect((await assume(AUTH)).status).toBe(200);
  });

  it('refuses a guest token for the authenticated role, and a forged token', async () => {
    loadPool(true, { allowClassicFlow: true });
    const { Token } = await openIdToken();
    const denied = await sts({ Action: 'AssumeRoleWithWebIdentity', RoleArn: AUTH, RoleSessionName: 'app', WebIdentityToken: Token });
    expect(denied.status).toBe(403);
    expect(denied.body).toContain('<Code>AccessDenied</Code>');
    const forged = await SigningKeys.generate().sign({ iss: 'https://cognito-identity.amazonaws.com', aud: POOL, sub: 'x', amr: ['authenticated'] });
    // A user-pool token is signed by another issuer's key: not a web identity STS accepts either.
    const userPoolSigned = await deps.keys.sign({ iss: 'https://cognito-identity.amazonaws.com', aud: POOL, sub: 'x', amr: ['authenticated'] });
    for (const token of [forged, userPoolSigned]) {
      const invalid = await sts({ Action: 'AssumeRoleWithWebIdentity', RoleArn: AUTH, RoleSessionName: 'app', WebIdentityToken: token });
      expect(invalid.status).toBe(400);
      expect(invalid.body).toContain('<Code>InvalidIdentityToken</Code>');
    }
  });

  describe('GetCallerIdentity (SigV4 verified)', () => {
    const body = new URLSearchParams({ Action: 'GetCallerIdentity', Version: '2011-06-15' }).toString();
    const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
    const SESSION = { accessKeyId: 'ASIASESSION000000001', secretAccessKey: 'session-secret', sessionToken: 'session-token' };
    const signedCall = async (credentials: typeof SESSION | typeof TEST_ADMIN, date = deps.clock.now(), overrides: Record<string, string> = {}) => {
      const headers = { ...(await sigV4Headers({ credentials, service: 'sts', body, headers: FORM, date })), ...overrides };
      const response = await app.inject({ method: 'POST', url: '/', headers, payload: body });
      return { status: response.statusCode, body: response.body };
    };
    const code = (xml: string) => /<Code>([^<]+)<\/Code>/.exec(xml)?.[1];
    const message = (xml: string) => /<Message>([^<]+)<\/Message>/.exec(xml)?.[1];

    beforeEach(() => {
      deps.sessions.record(SESSION.accessKeyId, {
        roleArn: ADMIN, identityId: 'us-east-1:x', accountId: '123456789012', expiration: new Date('2026-01-01T01:00:00Z'),
        secretAccessKey: SESSION.secretAccessKey, sessionToken: SESSION.sessionToken,
      });
    });

    it('names the role session of vended credentials, and the administrator for the stack key', async () => {
      const ok = await signedCall(SESSION);
      expect(ok.status).toBe(200);
      expect(ok.body).toContain('<Arn>arn:aws:sts::123456789012:assumed-role/admin/CognitoIdentityCredentials</Arn>');
      expect(ok.body).toContain('<Account>123456789012</Account>');
      const admin = await signedCall(TEST_ADMIN);
      expect(admin.body).toContain('<Arn>arn:aws:iam::000000000000:user/ase-admin</Arn>');
    });

    it('refuses unsigned, unknown-key, wrong-secret, wrong-token, stale and mis-scoped requests as STS does', async () => {
      const unsigned = await sts({ Action: 'GetCallerIdentity' });
      expect([unsigned.status, code(unsigned.body), message(unsigned.body)]).toEqual([403, 'MissingAuthenticationToken', 'Request is missing Authentication Token']);
      const junk = await signedCall({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'junk' });
      expect([junk.status, code(junk.body), message(junk.body)]).toEqual([403, 'InvalidClientTokenId', 'The security token included in the request is invalid.']);
      const wrongSecret = await signedCall({ ...SESSION, secretAccessKey: 'guessed' });
      expect([wrongSecret.status, code(wrongSecret.body)]).toEqual([403, 'SignatureDoesNotMatch']);
      expect(message(wrongSecret.body)).toMatch(/^The request signature we calculated does not match the signature you provided/);
      const wrongToken = await signedCall({ ...SESSION, sessionToken: 'another-token' });
      expect(code(wrongToken.body)).toBe('InvalidClientTokenId');
      const stale = await signedCall(SESSION, new Date(deps.clock.now().getTime() - 6 * 60_000));
      expect([stale.status, code(stale.body), message(stale.body)]).toEqual([403, 'SignatureDoesNotMatch',
        'Signature expired: 20251231T235400Z is now earlier than 20251231T235500Z (20260101T000000Z - 5 min.)']);
      const elsewhere = await signedCall(SESSION, deps.clock.now(), { host: 'sts.eu-west-1.amazonaws.com' });
      expect([code(elsewhere.body), message(elsewhere.body)]).toEqual(['SignatureDoesNotMatch', 'Credential should be scoped to a valid region. ']);
      const tamperedBody = await app.inject({
        method: 'POST', url: '/', headers: await sigV4Headers({ credentials: SESSION, service: 'sts', body, headers: FORM, date: deps.clock.now() }),
        payload: `${body}&Extra=1`,
      });
      expect(code(tamperedBody.body)).toBe('SignatureDoesNotMatch');
    });

    it('answers ExpiredToken once the vended session has expired', async () => {
      deps.clock.advance(3600_000);
      const expired = await signedCall(SESSION);
      expect([expired.status, code(expired.body), message(expired.body)]).toEqual([403, 'ExpiredToken', 'The security token included in the request is expired']);
    });
  });

  it('answers an unknown action with InvalidAction', async () => {
    const r = await sts({ Action: 'AssumeRole' });
    expect(r.status).toBe(400);
    expect(r.body).toContain('<Code>InvalidAction</Code>');
  });
});

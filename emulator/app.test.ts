import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDeps, type TestDeps } from '../test/helpers/cognito-idp.js';
import { buildEmulator, type BuildEmulatorOptions } from './app.js';
import { IdentityPoolStore } from './cognito-identity/store.js';
import { amplifyTrustPolicy } from './cognito-identity/trust.js';
import { CredentialVendingError, type CredentialVendor, type VendRequest, type VendedCredentials } from './credentials/vendor.js';
import { SigningKeys } from './keys.js';

/**
 * The services as plugins, seen from outside: each answers its own requests on `/` with its own
 * protocol's errors, what no service claims gets the JSON fallback, Fastify's own request errors
 * stay Fastify's, and the root's CORS and hooks reach every service.
 */

const POOL = 'us-east-1:00000000-0000-4000-8000-000000000001';
const GUEST = 'arn:aws:iam::123456789012:role/guest';
const AUTH = 'arn:aws:iam::123456789012:role/auth';

/** A vendor that fails as it is told to. */
class FailingVendor implements CredentialVendor {
  constructor(private readonly failure: () => Error) {}
  async vend(_request: VendRequest): Promise<VendedCredentials> {
    throw this.failure();
  }
}

let deps: TestDeps;
let app: FastifyInstance;
let otherKeys: Promise<{ identity: SigningKeys; minio: SigningKeys }> | undefined;

async function build(vendor: CredentialVendor, options: Partial<BuildEmulatorOptions> = {}): Promise<FastifyInstance> {
  otherKeys ??= Promise.all([SigningKeys.generate(), SigningKeys.generate()]).then(([identity, minio]) => ({ identity, minio }));
  const identityPools = new IdentityPoolStore();
  identityPools.loadPool({
    id: POOL, region: 'us-east-1', accountId: '123456789012', allowGuestAccess: true, allowClassicFlow: true,
    providers: new Map(), guestRoleArn: GUEST, authenticatedRoleArn: AUTH,
    roles: new Map([GUEST, AUTH].map((arn) => [arn, {
      roleArn: arn, minioPolicy: `policy-${arn.split('/').pop()}`, trustPolicy: amplifyTrustPolicy(POOL, arn === GUEST ? 'guest' : 'authenticated'),
    }])),
  });
  app = buildEmulator({
    services: { clock: deps.clock, keys: { userPools: deps.keys, ...(await otherKeys) }, userPools: deps.store, identityPools, vendor, callers: deps.callers },
    baseUrl: () => 'http://127.0.0.1:1',
    ...options,
  });
  return app;
}

const json = (target: string, body: unknown, headers: Record<string, string> = {}) => app.inject({
  method: 'POST', url: '/',
  headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target, ...headers },
  payload: typeof body === 'string' ? body : JSON.stringify(body),
});

const form = (params: Record<string, string>) => app.inject({
  method: 'POST', url: '/',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  payload: new URLSearchParams({ Version: '2011-06-15', ...params }).toString(),
});

async function guestIdentity(): Promise<string> {
  return ((await json('AWSCognitoIdentityService.GetId', { IdentityPoolId: POOL })).json() as { IdentityId: string }).IdentityId;
}

beforeEach(async () => {
  deps = await createTestDeps();
});
afterEach(() => app.close());

describe('a failing credential vendor', () => {
  it('is answered ExternalServiceException by the identity pool and by STS, with the vendor\'s message', async () => {
    await build(new FailingVendor(() => new CredentialVendingError('MinIO refused credentials for role r: no')));
    const IdentityId = await guestIdentity();
    const identity = await json('AWSCognitoIdentityService.GetCredentialsForIdentity', { IdentityId });
    expect({ status: identity.statusCode, type: identity.headers['x-amzn-errortype'], body: identity.json() }).toEqual({
      status: 400, type: 'ExternalServiceException',
      body: { __type: 'ExternalServiceException', message: 'MinIO refused credentials for role r: no' },
    });

    const { Token } = (await json('AWSCognitoIdentityService.GetOpenIdToken', { IdentityId })).json() as { Token: string };
    const sts = await form({ Action: 'AssumeRoleWithWebIdentity', RoleArn: GUEST, RoleSessionName: 's', WebIdentityToken: Token });
    expect(sts.statusCode).toBe(400);
    expect(sts.body).toMatch(/^<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><Error><Type>Sender<\/Type><Code>ExternalServiceException<\/Code><Message>MinIO refused credentials for role r: no<\/Message><\/Error><RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>$/);
  });

  it('that throws anything else is an InternalErrorException (500) in either protocol', async () => {
    await build(new FailingVendor(() => new Error('boom')));
    const IdentityId = await guestIdentity();
    const identity = await json('AWSCognitoIdentityService.GetCredentialsForIdentity', { IdentityId });
    expect({ status: identity.statusCode, type: identity.headers['x-amzn-errortype'], body: identity.json() }).toEqual({
      status: 500, type: 'InternalErrorException',
      body: { __type: 'InternalErrorException', message: 'An internal error occurred in the emulator' },
    });
    const { Token } = (await json('AWSCognitoIdentityService.GetOpenIdToken', { IdentityId })).json() as { Token: string };
    const sts = await form({ Action: 'AssumeRoleWithWebIdentity', RoleArn: GUEST, RoleSessionName: 's', WebIdentityToken: Token });
    expect(sts.statusCode).toBe(500);
    expect(sts.headers['content-type']).toMatch(/^text\/xml/);
    expect(sts.body).toContain('<Error><Type>Receiver</Type><Code>InternalErrorException</Code><Message>An internal error occurred in the emulator</Message></Error>');
  });
});

describe('requests no service claims', () => {
  beforeEach(() => build(new FailingVendor(() => new Error('unused'))));

  it('an unknown target prefix, or no target and no Action, is an UnknownOperationException', async () => {
    const unknown = await json('AWSSomethingElse.DoIt', {});
    expect({ status: unknown.statusCode, type: unknown.headers['x-amzn-errortype'], body: unknown.json() }).toEqual({
      status: 400, type: 'UnknownOperationException', body: { __type: 'UnknownOperationException', message: 'Unknown operation AWSSomethingElse.DoIt' },
    });
    for (const method of ['POST', 'GET'] as const) {
      const bare = await app.inject({ method, url: '/' });
      expect(bare.statusCode).toBe(400);
      expect(bare.json()).toEqual({ __type: 'UnknownOperationException', message: 'Unknown operation (no X-Amz-Target)' });
    }
  });

  it('a JSON target wins over a form body; GET /?Action= is STS', async () => {
    const target = await json('AWSCognitoIdentityService.Nope', 'Action=GetCallerIdentity', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(target.json()).toEqual({ __type: 'UnknownOperationException', message: 'Unknown operation AWSCognitoIdentityService.Nope' });
    const get = await app.inject({ method: 'GET', url: '/?Action=GetCallerIdentity&Version=2011-06-15' });
    expect(get.statusCode).toBe(403);
    expect(get.body).toContain('<Code>MissingAuthenticationToken</Code>');
    const unknownAction = await app.inject({ method: 'GET', url: '/?Action=AssumeRole' });
    expect(unknownAction.body).toContain('<Code>InvalidAction</Code><Message>Could not find operation AssumeRole for version 2011-06-15</Message>');
  });
});

describe("Fastify's own request errors", () => {
  beforeEach(() => build(new FailingVendor(() => new Error('unused'))));

  it('stay Fastify\'s answers in every service (unsupported media type, body too large)', async () => {
    for (const headers of [{ 'x-amz-target': 'AWSCognitoIdentityService.GetId' }, { 'x-amz-target': 'AWSCognitoIdentityProviderService.SignUp' }, {}]) {
      const res = await app.inject({ method: 'POST', url: '/', headers: { ...headers, 'content-type': 'application/xml' }, payload: '<x/>' });
      expect(res.statusCode).toBe(415);
      expect(res.json()).toMatchObject({ statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' });
    }
    const big = await json('AWSCognitoIdentityService.GetId', `{"IdentityPoolId":"${'x'.repeat(1024 * 1024)}"}`);
    expect(big.statusCode).toBe(413);
    expect(big.json()).toMatchObject({ statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
  });

  it('bad JSON under an AWS JSON content type is a SerializationException', async () => {
    const res = await json('AWSCognitoIdentityProviderService.SignUp', '{"ClientId": ');
    expect(res.statusCode).toBe(400);
    expect(res.headers['x-amzn-errortype']).toBe('SerializationException');
  });
});

describe('the root context reaches every service', () => {
  it('CORS headers on every answer to a request with an Origin', async () => {
    await build(new FailingVendor(() => new Error('unused')));
    const answers = [
      await json('AWSCognitoIdentityService.GetId', { IdentityPoolId: POOL }, { origin: 'http://localhost:3000' }),
      await json('AWSCognitoIdentityProviderService.Nope', {}, { origin: 'http://localhost:3000' }),
      await app.inject({ method: 'POST', url: '/', headers: { origin: 'http://localhost:3000', 'content-type': 'application/x-www-form-urlencoded' }, payload: 'Action=Nope' }),
      await app.inject({ method: 'GET', url: '/ase/minio-oidc/jwks.json', headers: { origin: 'http://localhost:3000' } }),
    ];
    for (const answer of answers) {
      expect(answer.headers['access-control-allow-origin']).toBe('*');
      expect(answer.headers['access-control-expose-headers']).toBe('x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, Date');
    }
    const preflight = await app.inject({ method: 'OPTIONS', url: '/', headers: { origin: 'http://localhost:3000', 'access-control-request-headers': 'x-amz-target' } });
    expect(preflight.statusCode).toBe(200);
    expect(preflight.headers['access-control-allow-headers']).toBe('x-amz-target');
  });

  it('hooks added in beforeServices see every service\'s requests', async () => {
    const seen: string[] = [];
    await build(new FailingVendor(() => new Error('unused')), {
      beforeServices: (root) => root.addHook('onResponse', async (request) => { seen.push(String(request.headers['x-amz-target'] ?? request.url)); }),
    });
    await json('AWSCognitoIdentityService.GetId', { IdentityPoolId: POOL });
    await json('AWSCognitoIdentityProviderService.Nope', {});
    await form({ Action: 'GetCallerIdentity' });
    await app.inject({ method: 'GET', url: '/ase/minio-oidc/jwks.json' });
    expect(seen).toEqual(['AWSCognitoIdentityService.GetId', 'AWSCognitoIdentityProviderService.Nope', '/', '/ase/minio-oidc/jwks.json']);
  });
});

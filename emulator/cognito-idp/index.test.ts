import Fastify, { type FastifyInstance } from 'fastify';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cognitoIdpOperations, cognitoIdpPlugin, cognitoIdpService, isCognitoIdpOperation } from './index.js';
import { IAM_AUTHORIZED_OPERATIONS } from './authorize.js';
import { TEST_ADMIN, TEST_CLIENT_ID, TEST_PASSWORD, TEST_POOL_ID, createTestDeps, sigV4Headers, signInWithPassword, type TestDeps } from '../../test/helpers/cognito-idp.js';

let deps: TestDeps;
let app: FastifyInstance;

beforeEach(async () => {
  deps = await createTestDeps();
  app = Fastify();
  await app.register(cognitoIdpPlugin, deps);
  await app.ready();
});

afterEach(() => app.close());

type Signer = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

/** Calls an operation; IAM-authorised ones are signed with the test administrator unless told otherwise. */
const call = async (operation: string, body: unknown, signer: Signer | null = IAM_AUTHORIZED_OPERATIONS.has(operation) ? TEST_ADMIN : null) => {
  const payload = JSON.stringify(body);
  const base = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${operation}` };
  const headers = signer
    ? await sigV4Headers({ credentials: signer, service: 'cognito-idp', body: payload, headers: base, date: deps.clock.now() })
    : base;
  return app.inject({ method: 'POST', url: '/', headers, payload });
};

describe('operation registry', () => {
  it('lists every operation the emulator serves', () => {
    expect(Object.keys(cognitoIdpOperations).sort()).toEqual([
      'AdminAddUserToGroup', 'AdminCreateUser', 'AdminDeleteUser', 'AdminGetUser', 'AdminRemoveUserFromGroup',
      'AdminSetUserPassword', 'ConfirmSignUp', 'CreateGroup', 'GetTokensFromRefreshToken', 'GetUser', 'GlobalSignOut',
      'InitiateAuth', 'ListUsers', 'RespondToAuthChallenge', 'RevokeToken', 'SignUp',
    ]);
    expect(isCognitoIdpOperation('InitiateAuth')).toBe(true);
    expect(isCognitoIdpOperation('toString')).toBe(false);
    expect(cognitoIdpService(deps).targetPrefix).toBe('AWSCognitoIdentityProviderService');
  });
});

describe('JSON 1.1 wire format', () => {
  it('answers 200 with epoch-second dates', async () => {
    const res = await call('AdminGetUser', { UserPoolId: TEST_POOL_ID, Username: 'bob' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-amz-json-1\.1/);
    const body = res.json() as Record<string, unknown>;
    expect(body).toMatchObject({ Username: 'bob', UserStatus: 'CONFIRMED', Enabled: true, UserCreateDate: 1767225600, UserLastModifiedDate: 1767225600 });
  });

  it.each([
    ['InitiateAuth', { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: TEST_CLIENT_ID, AuthParameters: { USERNAME: 'alice', PASSWORD: 'Wrong-passw0rd' } },
      'NotAuthorizedException', 'Incorrect username or password.'],
    ['InitiateAuth', { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: TEST_CLIENT_ID, AuthParameters: { USERNAME: 'zed', PASSWORD: TEST_PASSWORD } },
      'UserNotFoundException', 'User does not exist.'],
    ['InitiateAuth', { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: 'nope', AuthParameters: {} },
      'ResourceNotFoundException', 'User pool client nope does not exist.'],
    ['AdminGetUser', { UserPoolId: 'us-east-1_Nope', Username: 'bob' }, 'ResourceNotFoundException', 'User pool us-east-1_Nope does not exist.'],
    ['CreateGroup', { UserPoolId: TEST_POOL_ID, GroupName: 'admin' }, 'GroupExistsException', 'A group with the name admin already exists.'],
    ['SignUp', { ClientId: TEST_CLIENT_ID, Username: 'x', Password: 'x' }, 'InvalidPasswordException', 'Password did not conform with policy: Password not long enough'],
  ])('%s answers 400 with the AWS error (case %#)', async (operation, body, type, message) => {
    const res = await call(operation, body);
    expect(res.statusCode).toBe(400);
    expect(res.headers['x-amzn-errortype']).toBe(type);
    expect(res.json()).toEqual({ __type: type, message });
  });

  it('answers an unknown operation with UnknownOperationException', async () => {
    const res = await call('AdminDisableProviderForUser', {});
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ __type: 'UnknownOperationException' });
  });

  it('serves a full SignUp → ConfirmSignUp → InitiateAuth round trip', async () => {
    expect((await call('SignUp', { ClientId: TEST_CLIENT_ID, Username: 'wire', Password: TEST_PASSWORD })).statusCode).toBe(200);
    const ConfirmationCode = deps.store.getConfirmationCode(TEST_POOL_ID, 'wire');
    expect((await call('ConfirmSignUp', { ClientId: TEST_CLIENT_ID, Username: 'wire', ConfirmationCode })).json()).toEqual({});
    const auth = await call('InitiateAuth', { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: TEST_CLIENT_ID, AuthParameters: { USERNAME: 'wire', PASSWORD: TEST_PASSWORD } });
    expect(auth.json()).toMatchObject({ ChallengeParameters: {}, AuthenticationResult: { TokenType: 'Bearer', ExpiresIn: 3600 } });
  });
});

describe('IAM authentication of admin operations (SigV4 with the stack administrator key)', () => {
  const errorOf = (res: { statusCode: number; json: () => unknown }) => ({ status: res.statusCode, ...(res.json() as object) });
  const victim = { UserPoolId: TEST_POOL_ID, Username: 'bob' };
  const attacks: Array<[string, object]> = [
    ['ListUsers', { UserPoolId: TEST_POOL_ID }],
    ['AdminAddUserToGroup', { ...victim, GroupName: 'admin' }],
    ['AdminSetUserPassword', { ...victim, Password: 'Attack3r!pass', Permanent: true }],
    ['AdminCreateUser', { UserPoolId: TEST_POOL_ID, Username: 'mallory' }],
    ['AdminGetUser', victim], ['AdminDeleteUser', victim], ['AdminRemoveUserFromGroup', { ...victim, GroupName: 'admin' }],
    ['CreateGroup', { UserPoolId: TEST_POOL_ID, GroupName: 'owned' }],
  ];

  it.each(attacks)('%s: unsigned → MissingAuthenticationTokenException, junk keys → UnrecognizedClientException, wrong secret → InvalidSignatureException', async (operation, body) => {
    expect(errorOf(await call(operation, body, null))).toEqual({ status: 400, __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' });
    expect(errorOf(await call(operation, body, { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'junk' })))
      .toEqual({ status: 400, __type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' });
    expect(errorOf(await call(operation, body, { ...TEST_ADMIN, secretAccessKey: 'guessed' }))).toMatchObject({
      status: 400, __type: 'InvalidSignatureException',
      message: expect.stringMatching(/^The request signature we calculated does not match the signature you provided/),
    });
    // Nothing changed: bob still signs in with his own password and is in no new group.
    expect(deps.store.getUser(TEST_POOL_ID, 'bob').groups).toEqual([]);
    await signInWithPassword(deps, 'bob');
  });

  it('the exact attack (junk keys, then sign in as the victim) fails at its first step', async () => {
    const junk = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'junk' };
    expect((await call('AdminSetUserPassword', { ...victim, Password: 'Attack3r!pass', Permanent: true }, junk)).statusCode).toBe(400);
    await expect(signInWithPassword(deps, 'bob', 'Attack3r!pass')).rejects.toMatchObject({ name: 'NotAuthorizedException' });
  });

  it('refuses a signature outside ±5 minutes or scoped to another service', async () => {
    const payload = JSON.stringify({ UserPoolId: TEST_POOL_ID });
    const base = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.ListUsers' };
    const stale = await sigV4Headers({ credentials: TEST_ADMIN, service: 'cognito-idp', body: payload, headers: base, date: new Date(deps.clock.now().getTime() + 6 * 60_000) });
    expect(errorOf(await app.inject({ method: 'POST', url: '/', headers: stale, payload }))).toEqual({
      status: 400, __type: 'InvalidSignatureException',
      message: 'Signature not yet current: 20260101T000600Z is still later than 20260101T000500Z (20260101T000000Z + 5 min.)',
    });
    const wrongService = await sigV4Headers({ credentials: TEST_ADMIN, service: 'sts', body: payload, headers: base, date: deps.clock.now(), host: 'cognito-idp.us-east-1.amazonaws.com' });
    expect(errorOf(await app.inject({ method: 'POST', url: '/', headers: wrongService, payload }))).toEqual({
      status: 400, __type: 'InvalidSignatureException', message: "Credential should be scoped to correct service: 'cognito-idp'. ",
    });
  });

  it('refuses vended identity-pool credentials with AccessDeniedException (they hold no Cognito permission)', async () => {
    const session = { accessKeyId: 'ASIASESSION000000001', secretAccessKey: 'session-secret', sessionToken: 'session-token' };
    deps.sessions.record(session.accessKeyId, {
      roleArn: 'arn:aws:iam::123456789012:role/auth', identityId: 'us-east-1:x', accountId: '123456789012',
      expiration: new Date('2026-01-01T01:00:00Z'), secretAccessKey: session.secretAccessKey, sessionToken: session.sessionToken,
    });
    expect(errorOf(await call('ListUsers', { UserPoolId: TEST_POOL_ID }, session))).toEqual({
      status: 400, __type: 'AccessDeniedException',
      message: 'User: arn:aws:sts::123456789012:assumed-role/auth/CognitoIdentityCredentials is not authorized to perform: cognito-idp:ListUsers '
        + `on resource: arn:aws:cognito-idp:us-east-1:123456789012:userpool/${TEST_POOL_ID} because no identity-based policy allows the cognito-idp:ListUsers action`,
    });
  });

  it('serves public operations unsigned, as Cognito does', async () => {
    const res = await call('InitiateAuth', { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: TEST_CLIENT_ID, AuthParameters: { USERNAME: 'bob', PASSWORD: TEST_PASSWORD } }, null);
    expect(res.statusCode).toBe(200);
  });
});

describe('user attributes follow Cognito rules', () => {
  it.each(['AdminCreateUser', 'SignUp'])('%s refuses attributes outside the schema (policy, azp) with Cognito\'s message', async (operation) => {
    const UserAttributes = [{ Name: 'policy', Value: 'consoleAdmin' }, { Name: 'azp', Value: 'some-client' }];
    const body = operation === 'SignUp'
      ? { ClientId: TEST_CLIENT_ID, Username: 'mallory', Password: TEST_PASSWORD, UserAttributes }
      : { UserPoolId: TEST_POOL_ID, Username: 'mallory', UserAttributes };
    const res = await call(operation, body);
    expect({ status: res.statusCode, ...(res.json() as object) }).toEqual({
      status: 400, __type: 'InvalidParameterException',
      message: 'Attributes did not conform to the schema: policy: Attribute does not exist in the schema.\nazp: Attribute does not exist in the schema.',
    });
    expect(deps.store.findPool(TEST_POOL_ID)!.findUser('mallory')).toBeUndefined();
  });

  it('accepts standard and custom: attributes, and only those reach the ID token', async () => {
    const res = await call('SignUp', {
      ClientId: TEST_CLIENT_ID, Username: 'carol', Password: TEST_PASSWORD,
      UserAttributes: [{ Name: 'given_name', Value: 'Carol' }, { Name: 'custom:policy', Value: 'consoleAdmin' }],
    });
    expect(res.statusCode).toBe(200);
    expect(deps.store.getUser(TEST_POOL_ID, 'carol').attributes).toMatchObject({ given_name: 'Carol', 'custom:policy': 'consoleAdmin' });
  });

  it('refuses a seeded user with a non-schema attribute when the pool is loaded', () => {
    expect(() => deps.store.loadPool({ id: 'us-east-1_Seeded', clientIds: ['seededclient'], groups: [],
      users: [{ username: 'x', password: TEST_PASSWORD, attributes: { policy: 'consoleAdmin' } }] }, 'us-east-1'))
      .toThrow('User pool us-east-1_Seeded, user x: attribute policy: Attribute does not exist in the schema. Use a standard attribute or custom:<name>.');
    expect(deps.store.findPool('us-east-1_Seeded')).toBeUndefined();
  });
});

describe('well-known endpoints', () => {
  it('serves the JWKS that verifies issued tokens', async () => {
    const res = await app.inject({ method: 'GET', url: `/${TEST_POOL_ID}/.well-known/jwks.json` });
    expect(res.statusCode).toBe(200);
    const jwks = res.json() as JSONWebKeySet;
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: deps.keys.kid });

    const auth = await call('InitiateAuth', { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: TEST_CLIENT_ID, AuthParameters: { USERNAME: 'alice', PASSWORD: TEST_PASSWORD } });
    const { IdToken } = (auth.json() as { AuthenticationResult: { IdToken: string } }).AuthenticationResult;
    const { payload, protectedHeader } = await jwtVerify(IdToken, createLocalJWKSet(jwks), {
      issuer: `https://cognito-idp.us-east-1.amazonaws.com/${TEST_POOL_ID}`, audience: TEST_CLIENT_ID, currentDate: deps.clock.now(),
    });
    expect(protectedHeader).toMatchObject({ alg: 'RS256', kid: deps.keys.kid });
    expect(payload['cognito:username']).toBe('alice');
  });

  it('serves the OpenID configuration with the Cognito issuer', async () => {
    const res = await app.inject({ method: 'GET', url: `/${TEST_POOL_ID}/.well-known/openid-configuration`, headers: { host: '127.0.0.1:9000' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      issuer: `https://cognito-idp.us-east-1.amazonaws.com/${TEST_POOL_ID}`,
      jwks_uri: `http://127.0.0.1:9000/${TEST_POOL_ID}/.well-known/jwks.json`,
      id_token_signing_alg_values_supported: ['RS256'],
    });
  });

  it('answers 404 for unknown pools', async () => {
    for (const doc of ['jwks.json', 'openid-configuration']) {
      const res = await app.inject({ method: 'GET', url: `/us-east-1_Nope/.well-known/${doc}` });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ message: 'User pool us-east-1_Nope does not exist.' });
    }
  });
});

import Fastify, { type FastifyInstance } from 'fastify';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerJsonServices } from '../aws/json-protocol.js';
import { cognitoIdpOperations, cognitoIdpService, isCognitoIdpOperation, registerUserPoolWellKnown } from './index.js';
import { TEST_CLIENT_ID, TEST_PASSWORD, TEST_POOL_ID, createTestDeps, type TestDeps } from './testing.js';

let deps: TestDeps;
let app: FastifyInstance;

beforeEach(async () => {
  deps = await createTestDeps();
  app = Fastify();
  registerJsonServices(app, [cognitoIdpService(deps)]);
  registerUserPoolWellKnown(app, deps);
  await app.ready();
});

afterEach(() => app.close());

const call = (operation: string, body: unknown) =>
  app.inject({
    method: 'POST',
    url: '/',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${operation}` },
    payload: JSON.stringify(body),
  });

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

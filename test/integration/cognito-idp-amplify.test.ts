/**
 * The real aws-amplify v6 client and the real @aws-sdk Cognito client against the emulated
 * user pool over HTTP. Amplify is a process-wide singleton, so everything stays in this file and
 * every test signs out afterwards.
 */
import {
  AdminAddUserToGroupCommand, AdminCreateUserCommand, AdminGetUserCommand, type CognitoIdentityProviderClient,
  CreateGroupCommand, ListUsersCommand, UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import Fastify, { type FastifyInstance } from 'fastify';
import { Amplify, type ResourcesConfig } from 'aws-amplify';
import { confirmSignIn, fetchAuthSession, getCurrentUser, signIn, signOut } from 'aws-amplify/auth';
import { parseAmplifyConfig } from 'aws-amplify/utils';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../emulator/clock.js';
import { SigningKeys } from '../../emulator/keys.js';
import { cognitoIdpPlugin, issuerFor, type CognitoIdpDeps } from '../../emulator/cognito-idp/index.js';
import { UserPoolStore } from '../../emulator/cognito-idp/store.js';
import { userPoolAdminClient } from '../../emulator/admin-client.js';
import { generateAdminCredentials } from '../../emulator/credentials/admin.js';
import { CallerAuthenticator } from '../../emulator/credentials/callers.js';
import { SessionRegistry } from '../../emulator/credentials/vendor.js';

const REGION = 'us-east-1';
const POOL_ID = 'us-east-1_AmplifyIt1';
const CLIENT_ID = 'amplifyitclient0000000001';
const PASSWORD = 'Sup3r-secret!';
const ADMIN_ROLE = 'arn:aws:iam::123456789012:role/amplify-admin';
const EDITOR_ROLE = 'arn:aws:iam::123456789012:role/amplify-editor';

const admin = generateAdminCredentials();
let app: FastifyInstance;
let deps: CognitoIdpDeps;
let sdk: CognitoIdentityProviderClient;
/** X-Amz-Target operation of every request the server saw, with its server-side duration. */
let calls: Array<{ operation: string; ms: number }> = [];

beforeAll(async () => {
  const sessions = new SessionRegistry(systemClock);
  deps = {
    clock: systemClock, keys: SigningKeys.generate(), store: new UserPoolStore(systemClock),
    callers: new CallerAuthenticator(admin, sessions, systemClock),
  };
  deps.store.loadPool({
    id: POOL_ID,
    clientIds: [CLIENT_ID],
    usernameAttributes: ['email'],
    groups: [
      { name: 'admin', precedence: 0, roleArn: ADMIN_ROLE },
      { name: 'editor', precedence: 1, roleArn: EDITOR_ROLE },
    ],
    users: [
      { username: 'alice@example.com', password: PASSWORD, groups: ['editor', 'admin'] },
      { username: 'bob@example.com', password: PASSWORD },
    ],
  }, REGION);

  app = Fastify();
  app.addHook('onResponse', async (request, reply) => {
    const target = request.headers['x-amz-target'];
    if (typeof target === 'string') calls.push({ operation: target.split('.').pop()!, ms: reply.elapsedTime });
  });
  await app.register(cognitoIdpPlugin, deps);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;

  // What `npx ampx sandbox` writes (schema v1), minus everything Storage-only.
  const outputs = {
    version: '1.4',
    auth: {
      aws_region: REGION,
      user_pool_id: POOL_ID,
      user_pool_client_id: CLIENT_ID,
      username_attributes: ['email'],
      standard_required_attributes: ['email'],
      user_verification_types: ['email'],
      password_policy: { min_length: 8, require_lowercase: true, require_numbers: true, require_symbols: true, require_uppercase: true },
      unauthenticated_identities_enabled: false,
      groups: [{ admin: { precedence: 0 } }, { editor: { precedence: 1 } }],
    },
  };
  // amplify_outputs.json cannot carry endpoints: add userPoolEndpoint to the parsed config.
  const config = parseAmplifyConfig(outputs);
  const auth = { Cognito: { ...config.Auth!.Cognito, userPoolEndpoint: endpoint } } as ResourcesConfig['Auth'];
  Amplify.configure({ ...config, Auth: auth });

  // The one signing client every caller uses for the admin API.
  sdk = userPoolAdminClient({ emulatorUrl: endpoint, adminCredentials: admin }, { region: REGION });
});

afterAll(async () => {
  sdk?.destroy();
  await app?.close();
});

beforeEach(() => {
  calls = [];
});

afterEach(async () => {
  await signOut();
});

const operations = (): string[] => calls.map((c) => c.operation);

async function claimsOfSession() {
  const { tokens } = await fetchAuthSession();
  expect(tokens?.idToken).toBeDefined();
  return { id: tokens!.idToken!.payload, access: tokens!.accessToken.payload, tokens: tokens! };
}

describe('aws-amplify v6 against the emulated user pool', () => {
  it('signs in with SRP (the default flow) and fetchAuthSession returns Cognito-shaped tokens', async () => {
    const result = await signIn({ username: 'alice@example.com', password: PASSWORD });
    expect(result).toEqual({ isSignedIn: true, nextStep: { signInStep: 'DONE' } });
    expect(operations()).toEqual(['InitiateAuth', 'RespondToAuthChallenge']);
    const coldMs = calls.reduce((sum, c) => sum + c.ms, 0);

    const alice = deps.store.getUser(POOL_ID, 'alice@example.com');
    const { id, access } = await claimsOfSession();
    expect(id).toMatchObject({
      sub: alice.sub,
      'cognito:username': alice.sub,
      email: 'alice@example.com',
      email_verified: true,
      aud: CLIENT_ID,
      token_use: 'id',
      iss: issuerFor(REGION, POOL_ID),
      'cognito:groups': ['admin', 'editor'],
      'cognito:preferred_role': ADMIN_ROLE,
      'cognito:roles': [ADMIN_ROLE, EDITOR_ROLE],
    });
    expect(access).toMatchObject({
      sub: alice.sub, client_id: CLIENT_ID, token_use: 'access', scope: 'aws.cognito.signin.user.admin',
      username: alice.sub, 'cognito:groups': ['admin', 'editor'], origin_jti: id.origin_jti, event_id: id.event_id,
    });
    expect((id.exp as number) - (id.iat as number)).toBe(3600);
    expect(await getCurrentUser()).toMatchObject({ userId: alice.sub, username: alice.sub });

    await signOut();
    const warm: number[] = [];
    for (let i = 0; i < 5; i++) {
      calls = [];
      await signIn({ username: 'alice@example.com', password: PASSWORD });
      warm.push(calls.filter((c) => c.operation !== 'RevokeToken').reduce((sum, c) => sum + c.ms, 0));
      await signOut();
    }
    const warmMean = warm.reduce((a, b) => a + b, 0) / warm.length;
    console.log(
      `[cognito-idp] SRP sign-in, server side (InitiateAuth + RespondToAuthChallenge): first ${coldMs.toFixed(1)} ms, ` +
      `then mean ${warmMean.toFixed(1)} ms over ${warm.length} (min ${Math.min(...warm).toFixed(1)}, max ${Math.max(...warm).toFixed(1)})`,
    );
  });

  it('reports a wrong password as NotAuthorizedException', async () => {
    await expect(signIn({ username: 'alice@example.com', password: 'Wrong-passw0rd!' })).rejects.toMatchObject({
      name: 'NotAuthorizedException', message: 'Incorrect username or password.',
    });
  });

  it('reports an unknown user as UserNotFoundException', async () => {
    await expect(signIn({ username: 'nobody@example.com', password: PASSWORD })).rejects.toMatchObject({
      name: 'UserNotFoundException', message: 'User does not exist.',
    });
  });

  it("signs in with authFlowType 'USER_PASSWORD_AUTH'", async () => {
    const result = await signIn({ username: 'bob@example.com', password: PASSWORD, options: { authFlowType: 'USER_PASSWORD_AUTH' } });
    expect(result.isSignedIn).toBe(true);
    expect(operations()).toEqual(['InitiateAuth']);
    const { id } = await claimsOfSession();
    expect(id.email).toBe('bob@example.com');
    expect(id).not.toHaveProperty('cognito:groups');
    expect(id).not.toHaveProperty('cognito:preferred_role');
  });

  it('refreshes tokens with GetTokensFromRefreshToken on fetchAuthSession({ forceRefresh: true })', async () => {
    await signIn({ username: 'alice@example.com', password: PASSWORD });
    const before = await claimsOfSession();
    calls = [];
    const { tokens } = await fetchAuthSession({ forceRefresh: true });
    expect(operations()).toEqual(['GetTokensFromRefreshToken']);
    expect(tokens?.accessToken.toString()).not.toBe(before.tokens.accessToken.toString());
    expect(tokens?.accessToken.payload.jti).not.toBe(before.access.jti);
    expect(tokens?.idToken?.payload.origin_jti).toBe(before.id.origin_jti);
    expect(tokens?.idToken?.payload.auth_time).toBe(before.id.auth_time);
  });

  it('signOut revokes the refresh token (RevokeToken)', async () => {
    await signIn({ username: 'bob@example.com', password: PASSWORD });
    const { access } = await claimsOfSession();
    calls = [];
    await signOut();
    expect(operations()).toEqual(['RevokeToken']);
    expect(deps.store.isRevoked(access.origin_jti as string)).toBe(true);
  });

  it('walks an AdminCreateUser user through NEW_PASSWORD_REQUIRED with confirmSignIn', async () => {
    const created = await sdk.send(new AdminCreateUserCommand({
      UserPoolId: POOL_ID, Username: 'carol@example.com', TemporaryPassword: 'Temp0rary-pw!', MessageAction: 'SUPPRESS',
      UserAttributes: [{ Name: 'email_verified', Value: 'true' }],
    }));
    expect(created.User?.UserStatus).toBe('FORCE_CHANGE_PASSWORD');

    const first = await signIn({ username: 'carol@example.com', password: 'Temp0rary-pw!' });
    expect(first).toEqual({ isSignedIn: false, nextStep: { signInStep: 'CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED', missingAttributes: [] } });
    const done = await confirmSignIn({ challengeResponse: 'Brand-n3w-pw!' });
    expect(done).toEqual({ isSignedIn: true, nextStep: { signInStep: 'DONE' } });
    expect(operations()).toEqual(['AdminCreateUser', 'InitiateAuth', 'RespondToAuthChallenge', 'RespondToAuthChallenge']);

    const { id } = await claimsOfSession();
    expect(id.email).toBe('carol@example.com');
    const after = await sdk.send(new AdminGetUserCommand({ UserPoolId: POOL_ID, Username: 'carol@example.com' }));
    expect(after.UserStatus).toBe('CONFIRMED');
    await signOut();
    await expect(signIn({ username: 'carol@example.com', password: 'Brand-n3w-pw!' })).resolves.toMatchObject({ isSignedIn: true });
  });
});

describe('@aws-sdk/client-cognito-identity-provider admin calls', () => {
  it('creates a group, adds a user, and the next sign-in carries its role', async () => {
    const { Group } = await sdk.send(new CreateGroupCommand({
      UserPoolId: POOL_ID, GroupName: 'auditors', Precedence: 5, RoleArn: 'arn:aws:iam::123456789012:role/auditor',
    }));
    expect(Group).toMatchObject({ GroupName: 'auditors', Precedence: 5 });
    expect(Group?.CreationDate).toBeInstanceOf(Date);
    await sdk.send(new AdminAddUserToGroupCommand({ UserPoolId: POOL_ID, Username: 'bob@example.com', GroupName: 'auditors' }));

    await signIn({ username: 'bob@example.com', password: PASSWORD });
    const { id } = await claimsOfSession();
    expect(id).toMatchObject({ 'cognito:groups': ['auditors'], 'cognito:preferred_role': 'arn:aws:iam::123456789012:role/auditor' });
  });

  it('reads users (AdminGetUser, ListUsers with a filter) with real dates', async () => {
    const alice = await sdk.send(new AdminGetUserCommand({ UserPoolId: POOL_ID, Username: 'alice@example.com' }));
    expect(alice.Username).toBe(deps.store.getUser(POOL_ID, 'alice@example.com').sub);
    expect(alice.UserCreateDate).toBeInstanceOf(Date);
    expect(Math.abs(alice.UserCreateDate!.getTime() - Date.now())).toBeLessThan(60_000);

    const listed = await sdk.send(new ListUsersCommand({ UserPoolId: POOL_ID, Filter: 'email ^= "alice@"' }));
    expect(listed.Users?.map((u) => u.Username)).toEqual([alice.Username]);
  });

  it('surfaces Cognito errors as the SDK exception classes', async () => {
    const error = await sdk.send(new AdminGetUserCommand({ UserPoolId: POOL_ID, Username: 'ghost@example.com' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserNotFoundException);
    expect(error).toMatchObject({ message: 'User does not exist.', $metadata: { httpStatusCode: 400 } });
  });

  it('refuses the SDK signing with other keys, as Cognito does (the SDK sees its own exception names)', async () => {
    const { CognitoIdentityProviderClient } = await import('@aws-sdk/client-cognito-identity-provider');
    const endpoint = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const attempts = [
      [{ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'emulator' }, 'UnrecognizedClientException'],
      [{ accessKeyId: admin.accessKeyId, secretAccessKey: 'not-the-secret' }, 'InvalidSignatureException'],
    ] as const;
    for (const [credentials, name] of attempts) {
      const intruder = new CognitoIdentityProviderClient({ region: REGION, endpoint, credentials, maxAttempts: 1 });
      const error = await intruder.send(new ListUsersCommand({ UserPoolId: POOL_ID })).catch((e: unknown) => e);
      intruder.destroy();
      expect(error).toMatchObject({ name, $metadata: { httpStatusCode: 400 } });
    }
  });
});

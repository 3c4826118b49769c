/**
 * The holes a hostile user on the machine found (issue 8), each reproduced exactly against a real
 * stack (emulator + MinIO) and now refused; and Stack.load as a transaction.
 */
import {
  AdminCreateUserCommand, AdminSetUserPasswordCommand, CognitoIdentityProviderClient, ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { userPoolAdminClient } from '../../emulator/admin-client.js';
import type { AppConfig } from '../../emulator/config.js';
import { Stack } from '../../emulator/stack.js';

const REGION = 'us-east-1';
const POOL = 'us-east-1_Security01';
const CLIENT = 'securityclient0000000000001';
const IDENTITY_POOL = 'us-east-1:5ec0e17e-0000-4000-8000-000000000001';
const PASSWORD = 'Passw0rd!sec';
const ADMIN_ROLE = 'arn:aws:iam::123456789012:role/admins';
const allow = (bucket: string, prefix: string) => ({
  Version: '2012-10-17', Statement: [{ Effect: 'Allow' as const, Action: ['s3:GetObject', 's3:PutObject'], Resource: [`arn:aws:s3:::${bucket}/${prefix}/*`] }],
});
const app = (id: string, buckets: AppConfig['buckets'], n = 1): AppConfig => ({
  id, region: REGION, accountId: '123456789012',
  userPool: {
    id: `us-east-1_Security0${n}`, clientIds: [`securityclient000000000000${n}`],
    groups: [{ name: 'admins', precedence: 0, roleArn: ADMIN_ROLE }],
    users: [{ username: 'alice', password: PASSWORD, groups: [] }, { username: 'bob', password: PASSWORD, groups: [] }],
  },
  identityPool: { id: `us-east-1:5ec0e17e-0000-4000-8000-00000000000${n}`, allowGuestAccess: true },
  roles: {
    guest: { arn: 'arn:aws:iam::123456789012:role/guest', policies: [] },
    authenticated: { arn: 'arn:aws:iam::123456789012:role/auth', policies: [allow(buckets[0]!.bucketName, 'public')] },
    groups: { admins: { arn: ADMIN_ROLE, policies: [allow(buckets[0]!.bucketName, 'admin')] } },
  },
  buckets,
});

let stack: Stack;

async function json(target: string, body: unknown) {
  const response = await fetch(stack.emulatorUrl, {
    method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target }, body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() as Record<string, any> };
}

const signIn = async (username: string, password = PASSWORD) => {
  const { body } = await json('AWSCognitoIdentityProviderService.InitiateAuth', {
    AuthFlow: 'USER_PASSWORD_AUTH', ClientId: CLIENT, AuthParameters: { USERNAME: username, PASSWORD: password },
  });
  return body as { AuthenticationResult?: { IdToken: string; AccessToken: string }; __type?: string };
};

/** MinIO's own STS on its S3 port, as the attacker called it. */
async function minioWebIdentity(token: string) {
  const response = await fetch(stack.minio.endpoint, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ Action: 'AssumeRoleWithWebIdentity', Version: '2011-06-15', WebIdentityToken: token, DurationSeconds: '900' }),
  });
  return { status: response.status, body: await response.text() };
}

beforeAll(async () => {
  stack = await Stack.start();
  await stack.load(app('security', [{ name: 'main', bucketName: 'ase-test-security', region: REGION, paths: {} }]));
}, 120_000);
afterAll(() => stack?.close());

describe('MinIO administrator through user attributes (issue 8, hole 1)', () => {
  const attack = [{ Name: 'policy', Value: 'consoleAdmin' }, { Name: 'azp', Value: 'amplify-storage-emulator' }];
  const schemaError = 'Attributes did not conform to the schema: policy: Attribute does not exist in the schema.\nazp: Attribute does not exist in the schema.';

  it('AdminCreateUser and SignUp with policy=consoleAdmin and azp=<client ID> are refused as Cognito refuses them', async () => {
    const unsigned = await json('AWSCognitoIdentityProviderService.AdminCreateUser', { UserPoolId: POOL, Username: 'mallory', UserAttributes: attack });
    expect(unsigned).toEqual({ status: 400, body: { __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' } });
    const admin = userPoolAdminClient(stack);
    try {
      const signed = await admin.send(new AdminCreateUserCommand({ UserPoolId: POOL, Username: 'mallory', UserAttributes: attack })).catch((e: Error) => e);
      expect(signed).toMatchObject({ name: 'InvalidParameterException', message: schemaError });
    } finally {
      admin.destroy();
    }
    const signUp = await json('AWSCognitoIdentityProviderService.SignUp', { ClientId: CLIENT, Username: 'mallory', Password: PASSWORD, UserAttributes: attack });
    expect(signUp).toEqual({ status: 400, body: { __type: 'InvalidParameterException', message: schemaError } });
    expect(stack.userPools.findPool(POOL)!.findUser('mallory')).toBeUndefined();
  });

  it("no user-pool token is accepted by MinIO's STS, whatever the user carries (custom:policy, signed-in tokens)", async () => {
    const signUp = await json('AWSCognitoIdentityProviderService.SignUp', {
      ClientId: CLIENT, Username: 'mallory', Password: PASSWORD, UserAttributes: [{ Name: 'custom:policy', Value: 'consoleAdmin' }],
    });
    expect(signUp.status).toBe(200);
    const code = stack.userPools.getConfirmationCode(POOL, 'mallory');
    expect((await json('AWSCognitoIdentityProviderService.ConfirmSignUp', { ClientId: CLIENT, Username: 'mallory', ConfirmationCode: code })).status).toBe(200);
    const tokens = (await signIn('mallory')).AuthenticationResult!;
    for (const token of [tokens.IdToken, tokens.AccessToken]) {
      const minio = await minioWebIdentity(token);
      expect(minio.status, minio.body).not.toBe(200);
      expect(minio.body).not.toContain('<AccessKeyId>');
    }
  });

  it('MinIO trusts a key of its own: its JWKS shares no key with the user pools', async () => {
    const minioJwks = await (await fetch(`${stack.emulatorUrl}/ase/minio-oidc/jwks.json`)).json() as { keys: Array<{ kid: string; n: string }> };
    const poolJwks = await (await fetch(`${stack.emulatorUrl}/${POOL}/.well-known/jwks.json`)).json() as { keys: Array<{ kid: string; n: string }> };
    expect(minioJwks.keys).toHaveLength(1);
    expect(poolJwks.keys.map((k) => k.n)).not.toContain(minioJwks.keys[0]!.n);
    expect(poolJwks.keys.map((k) => k.kid)).not.toContain(minioJwks.keys[0]!.kid);
  });
});

describe('user-pool admin operations without credentials (issue 8, hole 2)', () => {
  it('ListUsers and AdminSetUserPassword with junk keys are refused, and the victim keeps her password', async () => {
    const junk = new CognitoIdentityProviderClient({
      region: REGION, endpoint: stack.emulatorUrl, maxAttempts: 1, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'junk' },
    });
    try {
      expect(await junk.send(new ListUsersCommand({ UserPoolId: POOL })).catch((e: Error) => e.name)).toBe('UnrecognizedClientException');
      const reset = await junk.send(new AdminSetUserPasswordCommand({ UserPoolId: POOL, Username: 'bob', Password: 'Attack3r!pass', Permanent: true })).catch((e: Error) => e.name);
      expect(reset).toBe('UnrecognizedClientException');
    } finally {
      junk.destroy();
    }
    expect((await signIn('bob', 'Attack3r!pass')).__type).toBe('NotAuthorizedException');
    expect((await signIn('bob')).AuthenticationResult?.IdToken).toBeDefined();
  });

  it('STS GetCallerIdentity unsigned is refused as STS refuses it', async () => {
    const response = await fetch(stack.emulatorUrl, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('<Code>MissingAuthenticationToken</Code>');
  });
});

describe("any group's role through the classic flow (issue 8, hole 3)", () => {
  it('GetOpenIdToken is refused: the pool has no AllowClassicFlow, as Amplify creates it', async () => {
    const logins = { [`cognito-idp.${REGION}.amazonaws.com/${POOL}`]: (await signIn('alice')).AuthenticationResult!.IdToken };
    const { body: { IdentityId } } = await json('AWSCognitoIdentityService.GetId', { IdentityPoolId: IDENTITY_POOL, Logins: logins });
    const token = await json('AWSCognitoIdentityService.GetOpenIdToken', { IdentityId, Logins: logins });
    expect(token).toEqual({ status: 400, body: { __type: 'InvalidParameterException', message: 'Basic (classic) flow is not enabled, please use enhanced flow.' } });
  });
});

describe('Stack.load is all or nothing (issue 8, item 6)', () => {
  it('a load that fails half-way leaves no pool, canned policy, bucket claim or new bucket behind', async () => {
    const added: string[] = [];
    const addCannedPolicy = stack.admin.addCannedPolicy.bind(stack.admin);
    const spy = vi.spyOn(stack.admin, 'addCannedPolicy').mockImplementation((name, document) => {
      added.push(name);
      return addCannedPolicy(name, document);
    });
    // The second bucket's name is one MinIO refuses: the failure comes after the pool, the canned
    // policies, the first bucket's claim and creation.
    const broken = app('broken', [
      { name: 'main', bucketName: 'ase-test-txn-kept', region: REGION, paths: {} },
      { name: 'bad', bucketName: 'Not_A_Bucket', region: REGION, paths: {} },
    ], 2);
    const error = await stack.load(broken).catch((e: Error) => e);
    spy.mockRestore();
    expect(error).toBeInstanceOf(Error);
    expect(added).toEqual(['ase-broken-guest', 'ase-broken-authenticated', 'ase-broken-group-admins']);
    expect(Object.keys(await stack.admin.listCannedPolicies()).filter((n) => n.startsWith('ase-broken-'))).toEqual([]);
    expect(await stack.admin.bucketExists('ase-test-txn-kept')).toBe(false);
    expect(stack.userPools.findPool(broken.userPool.id)).toBeUndefined();
    expect(stack.identityPools.findPool(broken.identityPool.id)).toBeUndefined();
    // The bucket is free: another app can load it at once.
    const next = app('next', [{ name: 'main', bucketName: 'ase-test-txn-kept', region: REGION, paths: {} }], 3);
    await expect(stack.load(next)).resolves.toMatchObject({ config: { id: 'next' } });
    await stack.unload('next');
  });

  it("a default bucket survives into the outputs, with its region", async () => {
    const loaded = await stack.load(app('defaults', [
      { name: 'first', bucketName: 'ase-test-default-a', region: REGION, paths: {} },
      { name: 'chosen', bucketName: 'ase-test-default-b', region: 'eu-west-1', paths: {}, default: true },
    ], 4));
    expect(loaded.outputs.storage).toMatchObject({ bucket_name: 'ase-test-default-b', aws_region: 'eu-west-1' });
    await stack.unload('defaults');
  });
});

import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppConfig } from '../../emulator/config.js';
import { Stack } from '../../emulator/stack.js';

// MinIO binds a web-identity session's policy to (sub, iss). One identity that assumes two roles
// (the classic flow allows any role the pool trusts it for) must keep each session on its own
// role's policy, as AWS does.
let stack: Stack;
const POOL = 'us-east-1_Sessions01';
const CLIENT = 'sessionsclient00000000000001';
const IDENTITY_POOL = 'us-east-1:5e55e55e-0000-4000-8000-000000000001';
const AUTH = 'arn:aws:iam::123456789012:role/auth';
const EDITORS = 'arn:aws:iam::123456789012:role/editors';
const allow = (prefix: string) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow' as const, Action: ['s3:GetObject'], Resource: [`arn:aws:s3:::ase-test-sessions/${prefix}/*`] }] });
const app: AppConfig = {
  id: 'sessions', region: 'us-east-1', accountId: '123456789012',
  userPool: { id: POOL, clientIds: [CLIENT], groups: [{ name: 'editors', precedence: 0, roleArn: EDITORS }], users: [{ username: 'bob', password: 'Passw0rd!x', groups: [] }] },
  // The classic flow (GetOpenIdToken + AssumeRoleWithWebIdentity) is on for this pool.
  identityPool: { id: IDENTITY_POOL, allowGuestAccess: false, allowClassicFlow: true },
  roles: { guest: { arn: 'arn:aws:iam::123456789012:role/guest', policies: [] }, authenticated: { arn: AUTH, policies: [allow('public')] }, groups: { editors: { arn: EDITORS, policies: [allow('docs')] } } },
  buckets: [{ name: 'main', bucketName: 'ase-test-sessions', region: 'us-east-1', paths: {} }],
};

async function json(target: string, body: unknown) {
  const response = await fetch(stack.emulatorUrl, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target }, body: JSON.stringify(body) });
  return response.json() as Promise<Record<string, any>>;
}

async function assume(roleArn: string, token: string) {
  const response = await fetch(stack.emulatorUrl, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ Action: 'AssumeRoleWithWebIdentity', Version: '2011-06-15', RoleArn: roleArn, RoleSessionName: 's', WebIdentityToken: token }),
  });
  const xml = await response.text();
  const field = (name: string) => new RegExp(`<${name}>([^<]+)</${name}>`).exec(xml)?.[1] ?? '';
  expect(response.status, xml).toBe(200);
  return new S3Client({
    region: 'us-east-1', endpoint: stack.minio.endpoint, forcePathStyle: true,
    credentials: { accessKeyId: field('AccessKeyId'), secretAccessKey: field('SecretAccessKey'), sessionToken: field('SessionToken') },
  });
}

const read = (s3: S3Client, key: string) => s3.send(new GetObjectCommand({ Bucket: 'ase-test-sessions', Key: key })).then(() => 'allowed', (e: Error) => e.name);

beforeAll(async () => {
  stack = await Stack.start();
  await stack.load(app);
  await stack.admin.putObject('ase-test-sessions', 'public/a.txt', 'a');
  await stack.admin.putObject('ase-test-sessions', 'docs/b.txt', 'b');
});
afterAll(() => stack?.close());

it('keeps each session of one identity on its own role policy', async () => {
  const auth = await json('AWSCognitoIdentityProviderService.InitiateAuth', { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: CLIENT, AuthParameters: { USERNAME: 'bob', PASSWORD: 'Passw0rd!x' } });
  const logins = { [`cognito-idp.us-east-1.amazonaws.com/${POOL}`]: auth.AuthenticationResult.IdToken };
  const { IdentityId } = await json('AWSCognitoIdentityService.GetId', { IdentityPoolId: IDENTITY_POOL, Logins: logins });
  const { Token } = await json('AWSCognitoIdentityService.GetOpenIdToken', { IdentityId, Logins: logins });

  const asAuth = await assume(AUTH, Token);
  expect(await read(asAuth, 'public/a.txt')).toBe('allowed');
  const asEditor = await assume(EDITORS, Token);
  expect(await read(asEditor, 'docs/b.txt')).toBe('allowed');
  expect(await read(asEditor, 'public/a.txt')).toBe('AccessDenied');
  // The first session still holds the authenticated role's policy, not the editors' one.
  expect(await read(asAuth, 'public/a.txt')).toBe('allowed');
  expect(await read(asAuth, 'docs/b.txt')).toBe('AccessDenied');
});

it('hands the same identity and role the same credentials while they are fresh (GetCredentialsForIdentity)', async () => {
  const auth = await json('AWSCognitoIdentityProviderService.InitiateAuth', { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: CLIENT, AuthParameters: { USERNAME: 'bob', PASSWORD: 'Passw0rd!x' } });
  const logins = { [`cognito-idp.us-east-1.amazonaws.com/${POOL}`]: auth.AuthenticationResult.IdToken };
  const { IdentityId } = await json('AWSCognitoIdentityService.GetId', { IdentityPoolId: IDENTITY_POOL, Logins: logins });
  const first = await json('AWSCognitoIdentityService.GetCredentialsForIdentity', { IdentityId, Logins: logins });
  const second = await json('AWSCognitoIdentityService.GetCredentialsForIdentity', { IdentityId, Logins: logins });
  expect(first.Credentials.AccessKeyId).toMatch(/^[A-Z0-9]{20}$/);
  expect(second.Credentials).toEqual(first.Credentials);
});

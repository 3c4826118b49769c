/**
 * Scenario keys of the identity side, against a real stack: `auth.allowClassicFlow` (the classic
 * flow refused by default, as in every pool Amplify creates, and given when set, with the AWS SDK),
 * and `outputs:` files whose username_attributes make the email the sign-in name (the real
 * aws-amplify client signs in by email, as the app would).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CognitoIdentityClient, GetIdCommand, GetOpenIdTokenCommand } from '@aws-sdk/client-cognito-identity';
import { CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AmplifyOutputs } from '../../emulator/outputs.js';
import { Stack } from '../../emulator/stack.js';
import { installNodeTransport, type InstalledTransport } from '../../emulator/transport/node.js';
import { planScenario, runScenarios } from '../../harness/runner/run.js';
import { ScenarioSession } from '../../harness/runner/run-scenario.js';
import { loadScenarioFile } from '../../harness/scenario/load.js';
import { ScenarioError } from '../../harness/scenario/errors.js';
import { clientUser, thrown } from '../helpers/amplify-client.js';

const REGION = 'us-east-1';
let dir: string;
let stack: Stack;
let transport: InstalledTransport;
const sessions: ScenarioSession[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'ase-auth-keys-'));
  stack = await Stack.start();
  transport = installNodeTransport(stack.transportTargets);
}, 120_000);
afterAll(async () => {
  for (const s of sessions) await s.teardown().catch(() => undefined);
  await transport?.restore();
  await stack?.close();
  rmSync(dir, { recursive: true, force: true });
});

function scenarioFile(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** Loads a scenario file onto the stack as `ase up` does (users created and signed in). */
async function setUp(file: string, appId: string): Promise<ScenarioSession> {
  const session = new ScenarioSession(planScenario(await loadScenarioFile(file), {}), stack, appId);
  sessions.push(session);
  await session.setup();
  return session;
}

describe('auth.allowClassicFlow', () => {
  const scenario = (bucket: string, extra: string) => `version: 1
name: classic flow ${bucket}
auth:
${extra}  groups: [admins]
  users:
    bob: { password: "Passw0rd!bob" }
buckets:
  - name: main
    bucketName: ${bucket}
    paths:
      "admin/*": { groupsadmins: [get, list, write, delete] }
      "public/*": { authenticated: [get, list] }
cases:
  - { as: bob, op: download, path: admin/secret.txt, expect: deny }
objects:
  - { path: admin/secret.txt, body: secret }
`;

  /** The classic flow with the AWS SDK: sign in, GetId, GetOpenIdToken, then STS for `roleArn`. */
  async function classicFlow(outputs: AmplifyOutputs, roleArn: string) {
    const endpoint = stack.emulatorUrl;
    const ids = outputs.auth as { user_pool_id: string; user_pool_client_id: string; identity_pool_id: string };
    const idp = new CognitoIdentityProviderClient({ region: REGION, endpoint });
    const identity = new CognitoIdentityClient({ region: REGION, endpoint });
    const sts = new STSClient({ region: REGION, endpoint });
    try {
      const auth = await idp.send(new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH', ClientId: ids.user_pool_client_id, AuthParameters: { USERNAME: 'bob', PASSWORD: 'Passw0rd!bob' },
      }));
      const logins = { [`cognito-idp.${REGION}.amazonaws.com/${ids.user_pool_id}`]: auth.AuthenticationResult!.IdToken! };
      const { IdentityId } = await identity.send(new GetIdCommand({ IdentityPoolId: ids.identity_pool_id, Logins: logins }));
      const { Token } = await identity.send(new GetOpenIdTokenCommand({ IdentityId, Logins: logins }));
      const { Credentials } = await sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: 'bob', WebIdentityToken: Token }));
      return Credentials!;
    } finally {
      idp.destroy();
      identity.destroy();
      sts.destroy();
    }
  }

  it('is off by default: GetOpenIdToken is refused as Cognito refuses it', async () => {
    const session = await setUp(scenarioFile('classic-off.yaml', scenario('ase-test-classic-off', '')), 'classic-off');
    const error = await classicFlow(session.outputs!, 'arn:aws:iam::123456789012:role/ase-group-admins').then(() => undefined, (e: Error) => e);
    expect(error).toMatchObject({ name: 'InvalidParameterException', message: 'Basic (classic) flow is not enabled, please use enhanced flow.' });
  });

  it('when set, any signed-in user can assume a role its trust policy admits (here the admins group\'s), as on AWS', async () => {
    const session = await setUp(scenarioFile('classic-on.yaml', scenario('ase-test-classic-on', '  allowClassicFlow: true\n')), 'classic-on');
    // bob is in no group: through Amplify's enhanced flow he cannot read admin/ ...
    const result = await session.runCase(session.plan.cases[0]!);
    expect(result.status, JSON.stringify(result)).toBe('pass');
    // ... but the classic flow lets him name the admins role, whose default trust (aud = this pool,
    // amr authenticated) admits every signed-in user.
    const credentials = await classicFlow(session.outputs!, 'arn:aws:iam::123456789012:role/ase-group-admins');
    const s3 = new S3Client({
      region: REGION, endpoint: stack.minio.endpoint, forcePathStyle: true,
      credentials: { accessKeyId: credentials.AccessKeyId!, secretAccessKey: credentials.SecretAccessKey!, sessionToken: credentials.SessionToken! },
    });
    try {
      const object = await s3.send(new GetObjectCommand({ Bucket: 'ase-test-classic-on', Key: 'admin/secret.txt' }));
      expect(await object.Body!.transformToString()).toBe('secret');
    } finally {
      s3.destroy();
    }
  });
});

describe('outputs: with username_attributes ["email"]', () => {
  const outputs = (bucket: string) => JSON.stringify({
    version: '1.4',
    auth: {
      aws_region: REGION, user_pool_id: 'us-east-1_Example01', user_pool_client_id: 'exampleclient000000000000001',
      identity_pool_id: 'us-east-1:00000000-0000-4000-8000-00000000e0e0', username_attributes: ['email'],
      standard_required_attributes: ['email'], unauthenticated_identities_enabled: true, groups: [],
    },
    storage: {
      aws_region: REGION, bucket_name: bucket,
      buckets: [{ name: 'main', bucket_name: bucket, aws_region: REGION, paths: {
        'private/${cognito-identity.amazonaws.com:sub}/*': { entityidentity: ['get', 'list', 'write', 'delete'] },
      } }],
    },
  });
  const scenario = (outputsFile: string, users: string) => `version: 1
name: sign-in by email
outputs: ./${outputsFile}
auth:
  users:
${users}
cases:
  - { as: alice, op: upload, path: "private/{identity}/a.txt", expect: allow }
  - { as: carol@example.com, op: upload, path: "private/{identity}/c.txt", expect: allow }
  - { as: carol@example.com, op: download, path: "private/{identity:alice}/a.txt", expect: deny }
`;

  it('users sign in with their email, with the real client, and the cases run', async () => {
    writeFileSync(path.join(dir, 'email-outputs.json'), outputs('ase-test-email-signin'));
    const file = scenarioFile('email.yaml', scenario('email-outputs.json', '    alice: { email: alice@example.com, password: "Passw0rd!alice" }\n    carol@example.com: {}'));
    const loaded = await loadScenarioFile(file);
    expect(loaded.auth.usernameAttributes).toEqual(['email']);
    expect(loaded.auth.users.map((u) => u.signInName ?? u.name)).toEqual(['alice@example.com', 'carol@example.com']);

    const summary = await runScenarios([loaded], { stack, threads: false });
    const results = summary.scenarios[0]!;
    expect(results.error).toBeUndefined();
    expect(results.cases.map((c) => `${c.status} ${c.reasons.join(" ")}`)).toEqual(["pass ", "pass ", "pass "]);

    // The pool the scenario got signs in by email, as the app's real one does: the outputs say so,
    // alice@example.com signs in, and "alice" is not a user of it.
    const session = await setUp(file, 'email-up');
    expect(session.outputs!.auth.username_attributes).toEqual(['email']);
    const byEmail = clientUser(session.outputs!, 'alice@example.com', 'Passw0rd!alice');
    await byEmail.signIn();
    expect(await byEmail.identityId()).toMatch(/^us-east-1:/);
    const byName = clientUser(session.outputs!, 'alice', 'Passw0rd!alice');
    expect((await thrown(byName.signIn())).name).toBe('UserNotFoundException');
  });

  it('a user without an email signs in with a stand-in address; in a phone-number pool a user must be named by its number', async () => {
    writeFileSync(path.join(dir, 'email-outputs-2.json'), outputs('ase-test-email-missing'));
    const file = scenarioFile('email-missing.yaml', scenario('email-outputs-2.json', '    alice: {}\n    carol@example.com: {}'));
    expect((await loadScenarioFile(file)).auth.users.map((u) => u.signInName ?? u.name)).toEqual(['alice@example.com', 'carol@example.com']);

    writeFileSync(path.join(dir, 'phone-outputs.json'), outputs('ase-test-phone').replace('["email"]', '["phone_number"]'));
    const phone = scenarioFile('phone.yaml', scenario('phone-outputs.json', '    alice: {}\n    carol@example.com: { email: carol@example.com }'));
    const error = await loadScenarioFile(phone).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).format(dir)).toBe(
      ['alice', 'carol@example.com'].map((name, i) => `phone.yaml:${6 + i}:5: ./phone-outputs.json signs users in by phone_number (username_attributes), so ${name} needs a phone number to sign in with: name the user by it in E.164 form, e.g. "+15555550100"`).join('\n'),
    );
  });
});

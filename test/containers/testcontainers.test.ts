/**
 * The testcontainers module (`amplify-storage-emulator/testcontainers`) and the container-backed
 * MinIO (`Stack.start({ minio: 'container' })`), with the real aws-amplify client.
 */
import path from 'node:path';
import { AdminCreateUserCommand, AdminGetUserCommand, ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import { list, StorageError, uploadData } from 'aws-amplify/storage';
import { expect, it } from 'vitest';
import { installNodeTransport, Stack, type AppConfig } from '../../index.js';
import { userPoolAdminClient } from '../../emulator/admin-client.js';
import { AmplifyStorageEmulatorContainer } from '../../testcontainers/index.js';
import { clientUser, thrown } from '../helpers/amplify-client.js';
import { sh } from './helpers.js';

const SCENARIO = path.resolve(import.meta.dirname, '../fixtures/containers/storage.yaml');

async function containerExists(id: string): Promise<boolean> {
  const { stdout } = await sh(['docker', 'ps', '-aq', '--no-trunc']);
  return stdout.split('\n').includes(id);
}

it('AmplifyStorageEmulatorContainer: withScenario → start() → typed getters; the real client works against it; await using removes it', async () => {
  let ids: string[] = [];
  const before = new Set((await sh(['docker', 'ps', '-aq', '--no-trunc'])).stdout.split('\n').filter(Boolean));
  {
    await using stack = await new AmplifyStorageEmulatorContainer().withScenario(SCENARIO).start();
    expect(stack.getEmulatorUrl()).toMatch(/^http:\/\/(127\.0\.0\.1|localhost):\d+$/);
    expect(stack.getS3Endpoint()).toMatch(/^http:\/\/(127\.0\.0\.1|localhost):\d+$/);
    const outputs = stack.getAmplifyOutputs();
    expect(outputs.storage.bucket_name).toBe('ase-test-containers');
    expect(stack.getMinioRootCredentials().user).toBe('ase-root');
    // The admin credentials sign the IAM-authorised user-pool API, as a test's seeding would use it.
    const admin = stack.getAdminCredentials();
    expect(admin).toMatchObject({ accessKeyId: expect.any(String), secretAccessKey: expect.any(String) });
    const poolId = String(outputs.auth.user_pool_id);
    const region = String(outputs.auth.aws_region);
    const idp = userPoolAdminClient({ emulatorUrl: stack.getEmulatorUrl(), adminCredentials: admin! }, { region });
    try {
      await idp.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'carol', MessageAction: 'SUPPRESS', TemporaryPassword: 'Carol-Temp-1!' }));
      expect((await idp.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'carol' }))).UserStatus).toBe('FORCE_CHANGE_PASSWORD');
      const listed = await idp.send(new ListUsersCommand({ UserPoolId: poolId }));
      expect(listed.Users!.map((u) => u.Username).sort()).toEqual(['alice', 'bob', 'carol']);
    } finally {
      idp.destroy();
    }
    // The same call signed with anything else is refused.
    const forged = userPoolAdminClient({ emulatorUrl: stack.getEmulatorUrl(), adminCredentials: { ...admin!, secretAccessKey: 'not-the-secret' } }, { region });
    try {
      expect((await thrown(forged.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'carol' })))).name).toBe('InvalidSignatureException');
    } finally {
      forged.destroy();
    }
    const health = await fetch(`${stack.getS3Endpoint()}/minio/health/live`);
    expect(health.status).toBe(200);
    ids = (await sh(['docker', 'ps', '-q', '--no-trunc'])).stdout.split('\n').filter((id) => id && !before.has(id));
    const transport = installNodeTransport(stack.getTransportTargets());
    try {
      const alice = clientUser(outputs, 'alice', 'Alice-Container-1!');
      await alice.signIn();
      const id = await alice.identityId();
      await uploadData(alice.context, { path: `protected/${id}/t.txt`, data: 'tc' }).result;
      expect((await list(alice.context, { path: `protected/${id}/` })).items.map((i) => i.path)).toEqual([`protected/${id}/t.txt`]);
      const guest = clientUser(outputs, 'guest');
      const denied = await thrown(uploadData(guest.context, { path: 'public/guest.txt', data: 'no' }).result);
      expect(denied).toBeInstanceOf(StorageError);
      expect(denied.name).toBe('AccessDenied');
    } finally {
      await transport.restore();
    }
  }
  expect(ids.length).toBeGreaterThanOrEqual(2);
  for (const id of ids) expect(await containerExists(id), `container ${id} still exists`).toBe(false);
});

function app(): AppConfig {
  const B = 'arn:aws:s3:::ase-test-container-minio';
  const SUB = '${cognito-identity.amazonaws.com:sub}';
  return {
    id: 'container-minio',
    region: 'us-east-1',
    accountId: '123456789012',
    userPool: { id: 'us-east-1_ContainerA', clientIds: ['containerminioclientaaaaaa'], groups: [], users: [{ username: 'hana', password: 'Hana-Pass-1!' }] },
    identityPool: { id: 'us-east-1:0d0d0d0d-1111-4222-8333-444455556666', allowGuestAccess: false },
    roles: {
      guest: { arn: 'arn:aws:iam::123456789012:role/cm-unauth', policies: [] },
      authenticated: {
        arn: 'arn:aws:iam::123456789012:role/cm-auth',
        policies: [{ Version: '2012-10-17', Statement: [
          { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: [`${B}/private/${SUB}/*`] },
          { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [B], Condition: { StringLike: { 's3:prefix': [`private/${SUB}/*`] } } },
        ] }],
      },
      groups: {},
    },
    buckets: [{ name: 'media', bucketName: 'ase-test-container-minio', region: 'us-east-1' }],
  };
}

it("Stack.start({ minio: 'container' }): MinIO from @testcontainers/minio enforces the role policies; close() removes the container", async () => {
  const before = new Set((await sh(['docker', 'ps', '-aq'])).stdout.split('\n').filter(Boolean));
  const stack = await Stack.start({ minio: 'container' });
  const transport = installNodeTransport(stack.transportTargets);
  try {
    const ours = (await sh(['docker', 'ps', '-aq'])).stdout.split('\n').filter((id) => id && !before.has(id));
    expect(ours).toHaveLength(1);
    const loaded = await stack.load(app());
    const hana = clientUser(loaded.outputs, 'hana', 'Hana-Pass-1!');
    await hana.signIn();
    const id = await hana.identityId();
    await uploadData(hana.context, { path: `private/${id}/c.txt`, data: 'container' }).result;
    expect((await list(hana.context, { path: `private/${id}/` })).items.map((i) => i.path)).toEqual([`private/${id}/c.txt`]);
    const denied = await thrown(uploadData(hana.context, { path: 'private/other/c.txt', data: 'x' }).result);
    expect(denied.name).toBe('AccessDenied');
  } finally {
    await transport.restore();
    await stack.close();
  }
  const after = (await sh(['docker', 'ps', '-aq'])).stdout.split('\n').filter((id) => id && !before.has(id));
  expect(after).toEqual([]);
});

import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { setGlobalDispatcher } from 'undici';
import { Stack } from '../emulator/stack.js';
import { createStackDispatcher } from '../emulator/transport/node.js';
import { loadBenchApp } from './lib/app.js';
import { identityClient, REGION, s3Client, userPoolClient } from './lib/clients.js';
import { scaled, type BenchContext } from './lib/context.js';
import { minioAssumeRoleSamples } from './lib/minio-sts.js';
import { table } from './lib/report.js';
import { ms, ratio, sample, summarize } from './lib/stats.js';
import type { OurFigures } from './peer-moto.js';

const SECTION = 'what-if: MinIO data on tmpfs';
const TMPFS = '/dev/shm';

/**
 * Not a product figure: the same stack with MinIO's data dir on tmpfs (TMPDIR=/dev/shm while it
 * starts), to show how much of the credential and S3 latency is MinIO writing to disk.
 */
export async function whatIfTmpfs(ctx: BenchContext, ours: OurFigures): Promise<void> {
  const { log, results } = ctx;
  if (process.platform !== 'linux' || !existsSync(TMPFS)) {
    log(`no ${TMPFS} here; skipped`);
    return;
  }
  const previousTmp = process.env.TMPDIR;
  process.env.TMPDIR = TMPFS;
  let stack: Stack;
  const started = performance.now();
  try {
    stack = await Stack.start();
  } finally {
    if (previousTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previousTmp;
  }
  const startMs = performance.now() - started;
  const dispatcher = createStackDispatcher(stack.transportTargets);
  setGlobalDispatcher(dispatcher);
  try {
    const n = scaled(ctx, 100, 10);
    const app = await loadBenchApp(stack, 'bench-tmpfs', 'ase-bench-tmpfs', ['alice']);
    const user = app.users[0]!;
    const idp = userPoolClient('transport');
    const { AuthenticationResult } = await idp.send(new InitiateAuthCommand({
      AuthFlow: 'USER_PASSWORD_AUTH', ClientId: app.config.userPool.clientIds[0]!, AuthParameters: { USERNAME: user.name, PASSWORD: user.password },
    }));
    idp.destroy();
    const logins = { [`cognito-idp.${REGION}.amazonaws.com/${app.config.userPool.id}`]: AuthenticationResult!.IdToken! };
    const identity = identityClient('transport');
    const pair = summarize(await sample(n, async () => {
      const { IdentityId } = await identity.send(new GetIdCommand({ IdentityPoolId: app.config.identityPool.id, Logins: logins }));
      await identity.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: logins }));
    }, 10));
    identity.destroy();
    const assume = summarize(await minioAssumeRoleSamples(stack, n));
    const direct = s3Client({ endpoint: stack.minio.endpoint }, { accessKeyId: stack.minio.rootUser, secretAccessKey: stack.minio.rootPassword });
    const body = 'x'.repeat(1024);
    const key = (i: number) => `public/tmpfs/${i < 0 ? `w${-i}` : i}.txt`;
    const put = summarize(await sample(n, (i) => direct.send(new PutObjectCommand({ Bucket: app.bucketName, Key: key(i), Body: body })), 10));
    const get = summarize(await sample(n, async (i) => (await direct.send(new GetObjectCommand({ Bucket: app.bucketName, Key: key(i) }))).Body?.transformToString(), 10));
    direct.destroy();

    const rows: Array<[string, number, number | undefined]> = [
      ['Stack.start() (one start; disk: in-process median)', startMs, ours.stackStartMs],
      ['GetId + GetCredentialsForIdentity p50', pair.p50, ours.signIn?.pair.p50],
      ['MinIO STS AssumeRole alone p50', assume.p50, ours.signIn?.minioAssumeRole.p50],
      ['direct @aws-sdk PutObject 1 KiB p50', put.p50, ours.operations?.upload.direct?.p50],
      ['direct @aws-sdk GetObject 1 KiB p50', get.p50, ours.operations?.download.direct?.p50],
    ];
    for (const [what, tmpfs, disk] of rows) log(`  ${what}: tmpfs ${ms(tmpfs)} · disk ${disk !== undefined ? ms(disk) : 'n/a'}${disk ? ` (${ratio(tmpfs / disk)})` : ''}`);
    results.add({ section: SECTION, name: 'What-if, MinIO data on tmpfs: GetId + GetCredentialsForIdentity p50', value: pair.p50, unit: 'ms', display: `${ms(pair.p50)} (disk ${ours.signIn ? ms(ours.signIn.pair.p50) : 'n/a'})` });
    results.data.whatIfTmpfs = { startMs, pair, minioAssumeRole: assume, put, get };
    results.section('What-if: MinIO data on tmpfs', [
      `A second stack started with TMPDIR=${TMPFS}, so MinIO keeps its data (objects and the temporary credentials it mints) in memory. Not how the product runs today; it shows what disk writes cost.`,
      '',
      table(['what', 'tmpfs', 'disk (sections above)', 'tmpfs/disk'], rows.map(([what, tmpfs, disk]) => [what, ms(tmpfs), disk !== undefined ? ms(disk) : 'n/a', disk ? ratio(tmpfs / disk) : 'n/a'])),
    ].join('\n'));
    await stack.unload(app.config.id);
  } finally {
    setGlobalDispatcher(ctx.timing);
    await dispatcher.close().catch(() => undefined);
    await stack.close();
  }
}

import { CreateGroupCommand } from '@aws-sdk/client-cognito-identity-provider';
import {
  CopyObjectCommand, CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { planScenario } from '../../harness/runner/run.js';
import { placeholderContext, type SignedInUsers } from '../../harness/runner/scenario-client.js';
import { resolvePlaceholders } from '../../harness/scenario/placeholders.js';
import type { Outcome, Scenario, ScenarioCase } from '../../harness/scenario/types.js';
import { identityClient, s3Client, userPoolClient, type Route } from './clients.js';
import { createPool, createUser, credentialsFor, passwordSignIn, subOf } from './moto-aws.js';
import type { RunningMoto } from './moto.js';

function classify(e: unknown): Outcome {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  const status = err.$metadata?.httpStatusCode;
  if (status === 403 || err.name === 'AccessDenied') return 'deny';
  if (status === 404 || err.name === 'NoSuchKey' || err.name === 'NotFound') return 'not-found';
  return 'error';
}

async function runCaseOnMoto(s3: S3Client, bucketName: string, c: ScenarioCase, path: string, from: string | undefined): Promise<Outcome> {
  try {
    switch (c.op) {
      case 'upload': await s3.send(new PutObjectCommand({ Bucket: bucketName, Key: path, Body: c.body ?? 'data' })); break;
      case 'download':
      case 'getUrl': {
        const got = await s3.send(new GetObjectCommand({ Bucket: bucketName, Key: path }));
        await got.Body?.transformToString();
        break;
      }
      case 'getProperties': await s3.send(new HeadObjectCommand({ Bucket: bucketName, Key: path })); break;
      case 'list': await s3.send(new ListObjectsV2Command({ Bucket: bucketName, Prefix: path })); break;
      case 'remove': await s3.send(new DeleteObjectCommand({ Bucket: bucketName, Key: path })); break;
      case 'copy': await s3.send(new CopyObjectCommand({ Bucket: bucketName, Key: path, CopySource: encodeURI(`${bucketName}/${from}`) })); break;
    }
    return 'allow';
  } catch (e) {
    return classify(e);
  }
}

export interface PeerCase {
  file: string;
  scenario: string;
  title: string;
  expected: Outcome;
  stack?: Outcome;
  moto: Outcome;
}

/** A bundled scenario on moto: its users and pools, the credentials moto vends each actor, and each case's S3 call. */
export async function scenarioOnMoto(moto: RunningMoto, scenario: Scenario, seq: number): Promise<PeerCase[]> {
  const route: Route = { endpoint: moto.endpoint };
  const idp = userPoolClient(route);
  const identity = identityClient(route);
  const admin = s3Client(route, { accessKeyId: 'testing', secretAccessKey: 'testing' });
  const clients: S3Client[] = [admin];
  try {
    const plan = planScenario(scenario);
    const pool = await createPool(idp, identity, `peer-${seq}`, scenario.auth.guestAccess);
    for (const g of scenario.auth.groups) {
      await idp.send(new CreateGroupCommand({ UserPoolId: pool.poolId, GroupName: g.name, Precedence: g.precedence, RoleArn: scenario.auth.roles.groups[g.name] }));
    }
    const actors = new Map<string, S3Client | undefined>();
    const users: SignedInUsers = { identities: {}, subs: {} };
    for (const u of plan.users) {
      await createUser(idp, pool.poolId, u.name, u.password, u.groups, u.email);
      const idToken = await passwordSignIn(idp, pool.clientId, u.name, u.password);
      const { identityId, creds } = await credentialsFor(identity, pool, idToken);
      users.identities[u.name] = identityId;
      users.subs[u.name] = subOf(idToken);
      const client = s3Client(route, creds);
      clients.push(client);
      actors.set(u.name, client);
    }
    const guest = await credentialsFor(identity, pool, undefined).catch(() => undefined);
    if (guest) {
      users.identities.guest = guest.identityId;
      const client = s3Client(route, guest.creds);
      clients.push(client);
      actors.set('guest', client);
    }
    const bucketNames = new Map(scenario.buckets.map((b) => [b.name, b.bucketName]));
    for (const b of scenario.buckets) {
      await admin.send(new CreateBucketCommand({ Bucket: b.bucketName })).catch(() => undefined);
    }
    for (const o of plan.objects) {
      await admin.send(new PutObjectCommand({ Bucket: bucketNames.get(o.bucket)!, Key: resolvePlaceholders(o.path, placeholderContext(users, undefined)), Body: o.body }));
    }
    const out: PeerCase[] = [];
    for (const c of plan.cases) {
      const values = placeholderContext(users, c.as);
      const path = resolvePlaceholders(c.path, values);
      const from = c.from !== undefined ? resolvePlaceholders(c.from, values) : undefined;
      const client = actors.get(c.as);
      const observed = client ? await runCaseOnMoto(client, bucketNames.get(c.bucket)!, c, path, from) : 'deny';
      out.push({ file: scenario.file, scenario: scenario.name, title: c.name ?? `${c.as} ${c.op} ${path}`, expected: c.expect.outcome, moto: observed });
    }
    return out;
  } finally {
    for (const c of clients) c.destroy();
    idp.destroy();
    identity.destroy();
  }
}

/**
 * The TLS front door on a real stack (emulator + MinIO), reached as a browser reaches it: by
 * resolving the AWS host names to it, or through it as a CONNECT proxy. The real aws-amplify
 * client signs in and is allowed and refused through it; bucket CORS is answered as S3 does.
 */
import https from 'node:https';
import { DeleteBucketCorsCommand, GetBucketCorsCommand, PutBucketCorsCommand, S3Client } from '@aws-sdk/client-s3';
import { list, uploadData } from 'aws-amplify/storage';
import { getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stack, type AppConfig } from '../../index.js';
import { clientUser, thrown } from '../helpers/amplify-client.js';
import { GlobalFetchHandler } from '../helpers/fetch-http-handler.js';
import { proxyDispatcher, resolverDispatcher } from '../helpers/front-door-dispatcher.js';

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const BUCKET = 'ase-test-front-door';
const B = `arn:aws:s3:::${BUCKET}`;
const ROLE = (name: string) => `arn:aws:iam::${ACCOUNT}:role/ase-test-front-door-${name}`;
const S3_HOST = `https://${BUCKET}.s3.${REGION}.amazonaws.com`;

function app(): AppConfig {
  return {
    id: 'front-door',
    region: REGION,
    accountId: ACCOUNT,
    userPool: {
      id: `${REGION}_FrontDoor1`,
      clientIds: ['frontdoorclientaaaaaaaaaaa'],
      groups: [{ name: 'ops', precedence: 0, roleArn: ROLE('ops') }],
      users: [{ username: 'alice', password: 'Alice-Pass-1!' }, { username: 'olga', password: 'Olga-Pass-2!', groups: ['ops'] }],
    },
    identityPool: { id: `${REGION}:0a0a0a0a-1111-4222-8333-f00d00d00d00`, allowGuestAccess: true },
    roles: {
      guest: { arn: ROLE('unauth'), policies: [{ Version: '2012-10-17', Statement: [
        { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [B], Condition: { StringLike: { 's3:prefix': ['public/', 'public/*'] } } },
      ] }] },
      authenticated: { arn: ROLE('auth'), policies: [{ Version: '2012-10-17', Statement: [
        { Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject'], Resource: [`${B}/public/*`] },
        { Effect: 'Allow', Action: ['s3:GetBucketCORS'], Resource: [B] },
      ] }] },
      groups: { ops: { arn: ROLE('ops'), policies: [{ Version: '2012-10-17', Statement: [
        { Effect: 'Allow', Action: ['s3:PutBucketCORS', 's3:GetBucketCORS'], Resource: [B] },
      ] }] } },
    },
    buckets: [{ name: 'files', bucketName: BUCKET, region: REGION, cors: {
      CORSRules: [{ ID: 'app', AllowedOrigins: ['http://localhost:5173'], AllowedMethods: ['GET', 'PUT', 'HEAD'], AllowedHeaders: ['*'], ExposeHeaders: ['ETag'], MaxAgeSeconds: 600 }],
    } }],
  };
}

/** The Access-Control-* headers of an answer. */
function corsHeadersOf(response: Response): Record<string, string> {
  const out: Record<string, string> = {};
  response.headers.forEach((value, key) => {
    if (key.startsWith('access-control-')) out[key] = value;
  });
  return out;
}

let stack: Stack;
let outputs: object;
let previous: Dispatcher;
let resolver: Dispatcher;

beforeAll(async () => {
  stack = await Stack.start();
  outputs = (await stack.load(app())).outputs;
  previous = getGlobalDispatcher();
  resolver = resolverDispatcher(stack.frontDoor);
  setGlobalDispatcher(resolver);
});

afterAll(async () => {
  setGlobalDispatcher(previous);
  await resolver?.close();
  await stack?.close();
});

describe('the front door as the address of the AWS host names', () => {
  it('carries the real client: sign-in (SRP), an allowed upload, a refused one', async () => {
    const alice = clientUser(outputs, 'alice', 'Alice-Pass-1!');
    await alice.signIn();
    await uploadData(alice.context, { path: 'public/a.txt', data: 'hi' }).result;
    const refused = await thrown(uploadData(alice.context, { path: 'private/a.txt', data: 'no' }).result);
    expect(refused.name).toBe('AccessDenied');
    const guest = clientUser(outputs, 'guest');
    const { items } = await list(guest.context, { path: 'public/' });
    expect(items.map((i) => i.path)).toEqual(['public/a.txt']);
  });

  it('answers 421 for an AWS host the stack does not serve, and for a host that is not AWS', async () => {
    const dynamo = await fetch(`https://dynamodb.${REGION}.amazonaws.com/`, { method: 'POST' });
    expect(dynamo.status).toBe(421);
    expect(await dynamo.text()).toMatch(/does not emulate dynamodb/);
    // A connection for an AWS name whose request names another host (what a confused proxy could send).
    const other = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = https.request({
        host: '127.0.0.1', port: stack.frontDoor.port, servername: `s3.${REGION}.amazonaws.com`, ca: stack.frontDoor.certificate.certPem,
        path: '/', headers: { host: 'example.com' },
      }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => { body += d.toString(); });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(other.status).toBe(421);
    expect(other.body).toMatch(/serves AWS host names only, not example.com/);
  });

  it('answers CORS for Cognito user pools as AWS does (preflight 200, Allow-Origin on answers)', async () => {
    const preflight = await fetch(`https://cognito-idp.${REGION}.amazonaws.com/`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-amz-target,x-amz-user-agent' },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type,x-amz-target,x-amz-user-agent');
    const answer = await fetch(`https://cognito-idp.${REGION}.amazonaws.com/`, {
      method: 'POST',
      headers: { origin: 'http://localhost:5173', 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.GetUser' },
      body: JSON.stringify({ AccessToken: 'not-a-token' }),
    });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect(answer.headers.get('access-control-expose-headers')).toMatch(/x-amzn-ErrorType/);
  });
});

describe('bucket CORS through the front door', () => {
  it('answers preflights from the bucket rules, never MinIO', async () => {
    const allowed = await fetch(`${S3_HOST}/public/a.txt`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'authorization, x-amz-date, amz-sdk-request' },
    });
    expect(allowed.status).toBe(200);
    expect(corsHeadersOf(allowed)).toEqual({
      'access-control-allow-origin': 'http://localhost:5173',
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET, PUT, HEAD',
      'access-control-allow-headers': 'authorization, x-amz-date, amz-sdk-request',
      'access-control-expose-headers': 'ETag',
      'access-control-max-age': '600',
    });
    const refused = await fetch(`${S3_HOST}/public/a.txt`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toMatch(/<Code>AccessForbidden<\/Code><Message>CORSResponse: This CORS request is not allowed/);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  it("gives an actual answer (403 error XML included) exactly the matching rule's headers, none of MinIO's", async () => {
    const denied = await fetch(`${S3_HOST}/private/x.txt`, { headers: { origin: 'http://localhost:5173' } });
    expect(denied.status).toBe(403);
    expect(await denied.text()).toMatch(/<Code>AccessDenied<\/Code>/);
    expect(denied.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(denied.headers.get('access-control-expose-headers')).toBe('ETag');
    expect(denied.headers.get('vary')).toBe('Origin, Access-Control-Request-Headers, Access-Control-Request-Method');
    const other = await fetch(`${S3_HOST}/private/x.txt`, { headers: { origin: 'https://evil.example' } });
    expect(other.status).toBe(403);
    expect(corsHeadersOf(other)).toEqual({});
  });

  it('PutBucketCors/GetBucketCors/DeleteBucketCors work for a role that allows them (Delete by s3:PutBucketCORS), and are refused otherwise', async () => {
    const s3For = async (user: ReturnType<typeof clientUser>) => {
      const { credentials } = await user.session();
      return new S3Client({ region: REGION, credentials: credentials!, requestHandler: new GlobalFetchHandler() as never });
    };
    const olga = clientUser(outputs, 'olga', 'Olga-Pass-2!');
    await olga.signIn();
    const ops = await s3For(olga);
    const rules = { CORSRules: [{ AllowedOrigins: ['https://app.example'], AllowedMethods: ['GET'], ExposeHeaders: ['ETag'] }] };
    await ops.send(new PutBucketCorsCommand({ Bucket: BUCKET, CORSConfiguration: rules }));
    expect((await ops.send(new GetBucketCorsCommand({ Bucket: BUCKET }))).CORSRules).toEqual(rules.CORSRules);
    const preflight = await fetch(`${S3_HOST}/public/a.txt`, { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' } });
    expect(preflight.status).toBe(200);

    const bad = await thrown(ops.send(new PutBucketCorsCommand({ Bucket: BUCKET, CORSConfiguration: { CORSRules: [{ AllowedOrigins: ['*'], AllowedMethods: ['PATCH'] }] } })));
    expect(bad.name).toBe('InvalidRequest');
    expect(bad.message).toBe('Found unsupported HTTP method in CORS config. Unsupported method is PATCH');

    const alice = clientUser(outputs, 'alice', 'Alice-Pass-1!');
    await alice.signIn();
    const user = await s3For(alice);
    expect((await user.send(new GetBucketCorsCommand({ Bucket: BUCKET }))).CORSRules).toHaveLength(1);
    expect((await thrown(user.send(new PutBucketCorsCommand({ Bucket: BUCKET, CORSConfiguration: rules })))).name).toBe('AccessDenied');
    expect((await thrown(user.send(new DeleteBucketCorsCommand({ Bucket: BUCKET })))).name).toBe('AccessDenied');

    await ops.send(new DeleteBucketCorsCommand({ Bucket: BUCKET }));
    expect((await thrown(ops.send(new GetBucketCorsCommand({ Bucket: BUCKET })))).name).toBe('NoSuchCORSConfiguration');
    const none = await fetch(`${S3_HOST}/public/a.txt`, { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' } });
    expect(none.status).toBe(403);
    expect(await none.text()).toMatch(/CORS is not enabled for this bucket/);
    stack.bucketCors.set(BUCKET, app().buckets[0]!.cors as never);
  });
});

describe('the front door as a CONNECT proxy', () => {
  it('tunnels AWS host names to the stack and refuses every other host', async () => {
    const proxy = proxyDispatcher(stack.frontDoor);
    try {
      const guest = await fetch(`https://cognito-identity.${REGION}.amazonaws.com/`, {
        method: 'POST', dispatcher: proxy,
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityService.GetId' },
        body: JSON.stringify({ IdentityPoolId: app().identityPool.id }),
      } as RequestInit);
      expect(guest.status).toBe(200);
      expect((await guest.json() as { IdentityId: string }).IdentityId).toMatch(/^us-east-1:/);
      const elsewhere = await fetch('https://example.com/', { dispatcher: proxy } as RequestInit).catch((e: Error) => e);
      expect(elsewhere).toBeInstanceOf(Error);
    } finally {
      await proxy.close();
    }
  });
});

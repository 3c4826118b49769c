import { performance } from 'node:perf_hooks';
import { GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { InitiateAuthCommand, RespondToAuthChallengeCommand } from '@aws-sdk/client-cognito-identity-provider';
import { TestSrpClient } from '../test/helpers/cognito-idp.js';
import { Actor } from '../harness/runner/actor.js';
import { loadBenchApp } from './lib/app.js';
import { minioAssumeRoleSamples } from './lib/minio-sts.js';
import { identityClient, REGION, srpTimestamp, userPoolClient } from './lib/clients.js';
import { scaled, type BenchContext } from './lib/context.js';
import { ms, pn, sample, summarize, type Summary } from './lib/stats.js';

const SECTION = 'sign-in and credentials';

export interface SignInFigures {
  amplifySrp: { wall: Summary; requests: Summary; client: Summary; requestsPerSignIn: number };
  nativeSrp: { server: Summary; clientMath: Summary };
  passwordAuth: Summary;
  getId: Summary;
  getCredentials: Summary;
  pair: Summary;
  /** The same two calls as bare HTTP POSTs (fetch through the transport, no SDK client): the server's share. */
  barePair: Summary;
  bareGetCredentials: Summary;
  /** MinIO's STS AssumeRole alone (root credentials, direct): the minting GetCredentialsForIdentity waits for. */
  minioAssumeRole: Summary;
}

/**
 * Sign-in (the real client's SRP; SRP with a native-BigInt client; USER_PASSWORD_AUTH with the
 * SDK) and identity-pool credentials, all through the transport to the shared stack.
 */
export async function signInAndCredentials(ctx: BenchContext): Promise<SignInFigures> {
  const { stack, log, results, timing } = ctx;
  const app = await loadBenchApp(stack, 'bench-signin', 'ase-bench-signin', ['alice']);
  try {
    const user = app.users[0]!;
    const pool = app.config.userPool;
    const clientId = pool.clientIds[0]!;
    const poolName = pool.id.split('_')[1]!;
    const amplifyConfig = Actor.configFrom(app.loaded.outputs);

    // 1. aws-amplify's signIn (SRP): wall time, and the time its requests took on the wire and in the server.
    const amplifyRuns = scaled(ctx, 20);
    log(`aws-amplify signIn (SRP), a fresh context each time, ${amplifyRuns} runs after 2 warm-up:`);
    const wall: number[] = [];
    const requestTime: number[] = [];
    let requestCount = 0;
    for (let i = -2; i < amplifyRuns; i++) {
      const actor = new Actor(user.name, amplifyConfig, { username: user.name, password: user.password });
      const started = performance.now();
      const { requests } = await timing.collect(() => actor.ensureSignedIn());
      const took = performance.now() - started;
      if (i < 0) continue;
      wall.push(took);
      requestTime.push(requests.reduce((sum, r) => sum + r.ms, 0));
      requestCount += requests.length;
    }
    const amplifySrp = {
      wall: summarize(wall),
      requests: summarize(requestTime),
      client: summarize(wall.map((w, i) => w - requestTime[i]!)),
      requestsPerSignIn: requestCount / amplifyRuns,
    };
    log(`  wall ${pn(amplifySrp.wall)}`);
    log(`  its ${amplifySrp.requestsPerSignIn} requests (InitiateAuth, RespondToAuthChallenge), wire + server: ${pn(amplifySrp.requests)}`);
    log(`  client compute (wall − requests): ${pn(amplifySrp.client)}`);

    // 2. The same SRP exchange with a native-BigInt client: what the server costs without the client's maths.
    const idp = userPoolClient('transport');
    const n = scaled(ctx, 200, 10);
    const server: number[] = [];
    const clientMath: number[] = [];
    for (let i = -10; i < n; i++) {
      const srp = new TestSrpClient(poolName);
      let started = performance.now();
      const init = await idp.send(new InitiateAuthCommand({ AuthFlow: 'USER_SRP_AUTH', ClientId: clientId, AuthParameters: { USERNAME: user.name, SRP_A: srp.srpA } }));
      const initMs = performance.now() - started;
      started = performance.now();
      const responses = srp.respond(init.ChallengeParameters ?? {}, user.password, srpTimestamp());
      const mathMs = performance.now() - started;
      started = performance.now();
      const done = await idp.send(new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: 'PASSWORD_VERIFIER', ChallengeResponses: responses }));
      const respondMs = performance.now() - started;
      if (!done.AuthenticationResult?.IdToken) throw new Error('SRP with the native client got no tokens');
      if (i < 0) continue;
      server.push(initMs + respondMs);
      clientMath.push(mathMs);
    }
    const nativeSrp = { server: summarize(server), clientMath: summarize(clientMath) };
    log(`SRP with a native-BigInt client (@aws-sdk), InitiateAuth + RespondToAuthChallenge round trips: ${pn(nativeSrp.server)}; its own maths ${pn(nativeSrp.clientMath)}`);

    // 3. USER_PASSWORD_AUTH with the SDK: one round trip, no SRP at all.
    let idToken = '';
    const passwordSamples = await sample(n, async () => {
      const { AuthenticationResult } = await idp.send(new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: user.name, PASSWORD: user.password },
      }));
      idToken = AuthenticationResult?.IdToken ?? '';
    }, 10);
    const passwordAuth = summarize(passwordSamples);
    log(`USER_PASSWORD_AUTH (@aws-sdk InitiateAuth): ${pn(passwordAuth)}`);
    idp.destroy();

    // 4. Identity-pool credentials for the signed-in user.
    const identity = identityClient('transport');
    const logins = { [`cognito-idp.${REGION}.amazonaws.com/${pool.id}`]: idToken };
    const getIdSamples: number[] = [];
    const credentialSamples: number[] = [];
    for (let i = -10; i < n; i++) {
      let started = performance.now();
      const { IdentityId } = await identity.send(new GetIdCommand({ IdentityPoolId: app.config.identityPool.id, Logins: logins }));
      const getIdMs = performance.now() - started;
      started = performance.now();
      const { Credentials } = await identity.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: logins }));
      const credentialsMs = performance.now() - started;
      if (!Credentials?.SessionToken) throw new Error('no credentials vended');
      if (i < 0) continue;
      getIdSamples.push(getIdMs);
      credentialSamples.push(credentialsMs);
    }
    identity.destroy();
    // The same calls without the SDK client: what the emulator (and MinIO behind it) take.
    const bareCall = async (target: string, body: unknown): Promise<Record<string, unknown>> => {
      const res = await fetch(`https://cognito-identity.${REGION}.amazonaws.com/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityService.${target}` },
        body: JSON.stringify(body),
      });
      const json = await res.json() as Record<string, unknown>;
      if (!res.ok) throw new Error(`${target} answered ${res.status}: ${JSON.stringify(json)}`);
      return json;
    };
    const bareGetId: number[] = [];
    const bareCredentials: number[] = [];
    for (let i = -10; i < n; i++) {
      let started = performance.now();
      const { IdentityId } = await bareCall('GetId', { IdentityPoolId: app.config.identityPool.id, Logins: logins });
      const a = performance.now() - started;
      started = performance.now();
      await bareCall('GetCredentialsForIdentity', { IdentityId, Logins: logins });
      const b = performance.now() - started;
      if (i < 0) continue;
      bareGetId.push(a);
      bareCredentials.push(b);
    }
    const barePair = summarize(bareGetId.map((g, i) => g + bareCredentials[i]!));
    const bareGetCredentials = summarize(bareCredentials);
    const minioAssumeRole = summarize(await minioAssumeRoleSamples(stack, n));
    const getId = summarize(getIdSamples);
    const getCredentials = summarize(credentialSamples);
    const pair = summarize(getIdSamples.map((g, i) => g + credentialSamples[i]!));
    log(`GetId (with Logins): ${pn(getId)}`);
    log(`GetCredentialsForIdentity (with Logins; MinIO mints the keys): ${pn(getCredentials)}`);
    log(`GetId + GetCredentialsForIdentity: ${pn(pair)}`);
    log(`  the same two calls as bare POSTs (fetch, no SDK client): ${pn(barePair)}; GetCredentialsForIdentity alone ${pn(bareGetCredentials)}`);
    log(`  for comparison, MinIO's STS AssumeRole alone (root credentials, @aws-sdk/client-sts straight to MinIO): ${pn(minioAssumeRole)}`);

    const figures: SignInFigures = { amplifySrp, nativeSrp, passwordAuth, getId, getCredentials, pair, barePair, bareGetCredentials, minioAssumeRole };
    results.data.signIn = figures;
    results.add({ section: SECTION, name: 'SRP sign-in, aws-amplify client, wall p50', value: amplifySrp.wall.p50, unit: 'ms' });
    results.add({ section: SECTION, name: 'SRP sign-in, server side: aws-amplify\'s 2 requests on the wire, p50', value: amplifySrp.requests.p50, unit: 'ms', target: { below: 30 } });
    results.add({ section: SECTION, name: 'SRP sign-in, server side: native-BigInt client\'s 2 requests, p50', value: nativeSrp.server.p50, unit: 'ms', display: `${ms(nativeSrp.server.p50)} (p99 ${ms(nativeSrp.server.p99)})` });
    results.add({ section: SECTION, name: 'USER_PASSWORD_AUTH (@aws-sdk), p50', value: passwordAuth.p50, unit: 'ms', display: `${ms(passwordAuth.p50)} (p99 ${ms(passwordAuth.p99)})` });
    results.add({ section: SECTION, name: 'Credentials: GetId + GetCredentialsForIdentity (@aws-sdk, Logins), p50', value: pair.p50, unit: 'ms', target: { below: 5 }, display: `${ms(pair.p50)} (p99 ${ms(pair.p99)})` });
    results.add({ section: SECTION, name: 'GetCredentialsForIdentity alone, p50', value: getCredentials.p50, unit: 'ms', display: `${ms(getCredentials.p50)} (p99 ${ms(getCredentials.p99)}); GetId ${ms(getId.p50)}` });
    results.add({ section: SECTION, name: 'Credentials as bare POSTs, no SDK client (server share), p50', value: barePair.p50, unit: 'ms', display: `${ms(barePair.p50)}; GetCredentialsForIdentity ${ms(bareGetCredentials.p50)}` });
    results.add({ section: SECTION, name: 'MinIO STS AssumeRole alone (minting temporary keys), p50', value: minioAssumeRole.p50, unit: 'ms' });
    results.section('Sign-in and credentials', [
      'All through the transport to the shared stack; the emulator runs in the same Node process as the clients (as in the harness).',
      '',
      '| what | p50 | p99 | n |',
      '|---|---|---|---|',
      ...([
        ['aws-amplify signIn (SRP), wall', amplifySrp.wall],
        ['↳ its requests on the wire + server', amplifySrp.requests],
        ['↳ client compute (wall − requests): aws-amplify\'s JS BigInteger', amplifySrp.client],
        ['SRP, native-BigInt client: InitiateAuth + RespondToAuthChallenge', nativeSrp.server],
        ['↳ that client\'s own SRP maths (native BigInt)', nativeSrp.clientMath],
        ['USER_PASSWORD_AUTH (@aws-sdk)', passwordAuth],
        ['GetId (Logins)', getId],
        ['GetCredentialsForIdentity (Logins)', getCredentials],
        ['GetId + GetCredentialsForIdentity', pair],
        ['GetId + GetCredentialsForIdentity as bare POSTs (no SDK client)', barePair],
        ['GetCredentialsForIdentity as a bare POST', bareGetCredentials],
        ['MinIO STS AssumeRole alone (root, straight to MinIO): the minting inside GetCredentialsForIdentity', minioAssumeRole],
      ] as Array<[string, Summary]>).map(([what, s]) => `| ${what} | ${ms(s.p50)} | ${ms(s.p99)} | ${s.n} |`),
    ].join('\n'));
    return figures;
  } finally {
    await stack.unload(app.config.id);
  }
}

import { createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { FastifyBaseLogger } from 'fastify';
import { ManualClock } from '../../emulator/clock.js';
import type { UserPoolConfig } from '../../emulator/config.js';
import { SigningKeys } from '../../emulator/keys.js';
import type { AdminCredentials } from '../../emulator/credentials/admin.js';
import { CallerAuthenticator } from '../../emulator/credentials/callers.js';
import { SessionRegistry } from '../../emulator/credentials/vendor.js';
import type { RequestContext } from '../../emulator/aws/types.js';
import type { AuthenticationResultType } from '@aws-sdk/client-cognito-identity-provider';
import type { CognitoIdpDeps } from '../../emulator/cognito-idp/index.js';
import { initiateAuth } from '../../emulator/cognito-idp/initiate-auth.js';
import { N, g, hashHex, k, modPow, padHex } from '../../emulator/cognito-idp/srp.js';
import { UserPoolStore } from '../../emulator/cognito-idp/store.js';

/**
 * Shared fixtures for the user-pool tests (no test-framework imports, so it also serves the
 * harness): a pool config, deps on a ManualClock, a silent request context, and a minimal
 * SRP client written from the protocol (the real Amplify client is exercised in srp.test.ts
 * and the integration test).
 */

export const TEST_REGION = 'us-east-1';
export const TEST_POOL_ID = 'us-east-1_TestPool1';
export const TEST_CLIENT_ID = 'testclient0123456789abcdef';
export const TEST_PASSWORD = 'Passw0rd!';

export function testPoolConfig(overrides: Partial<UserPoolConfig> = {}): UserPoolConfig {
  return {
    id: TEST_POOL_ID,
    clientIds: [TEST_CLIENT_ID],
    groups: [
      { name: 'admin', precedence: 0, roleArn: 'arn:aws:iam::123456789012:role/admin' },
      { name: 'editors', precedence: 1, roleArn: 'arn:aws:iam::123456789012:role/editors' },
      { name: 'readers' },
    ],
    users: [
      { username: 'alice', password: TEST_PASSWORD, email: 'alice@example.com', groups: ['editors', 'admin'] },
      { username: 'bob', password: TEST_PASSWORD, attributes: { name: 'Bob' } },
    ],
    ...overrides,
  };
}

let sharedKeys: SigningKeys | undefined;

export type TestDeps = CognitoIdpDeps & { clock: ManualClock; sessions: SessionRegistry };

/** The administrator credentials of every test deps (tests sign admin calls with them). */
export const TEST_ADMIN: AdminCredentials = { accessKeyId: 'AKIATESTADMIN0000000', secretAccessKey: 'test-admin-secret-0000000000000000000000' };

/** Fresh store and clock (2026-01-01T00:00:00Z) around one shared signing key. */
export async function createTestDeps(pools: UserPoolConfig[] = [testPoolConfig()]): Promise<TestDeps> {
  sharedKeys ??= SigningKeys.generate();
  const clock = new ManualClock();
  const store = new UserPoolStore(clock);
  for (const pool of pools) store.loadPool(pool, TEST_REGION);
  const sessions = new SessionRegistry(clock);
  return { clock, keys: sharedKeys, store, sessions, callers: new CallerAuthenticator(TEST_ADMIN, sessions, clock) };
}

const noop = (): void => {};
const silentLogger = {
  level: 'silent', fatal: noop, error: noop, warn: noop, info: noop, debug: noop, trace: noop, silent: noop,
  child: () => silentLogger,
} as unknown as FastifyBaseLogger;

export const testContext: RequestContext = { log: silentLogger, host: 'cognito-idp.us-east-1.amazonaws.com' };

/** Signs in with USER_PASSWORD_AUTH and returns the tokens (fails unless the user gets tokens). */
export async function signInWithPassword(
  deps: CognitoIdpDeps, username: string, password = TEST_PASSWORD, clientId = TEST_CLIENT_ID,
): Promise<Required<Pick<AuthenticationResultType, 'AccessToken' | 'IdToken' | 'RefreshToken'>>> {
  const { AuthenticationResult: result } = await initiateAuth(deps)(
    { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: username, PASSWORD: password } },
    testContext,
  );
  if (!result?.AccessToken || !result.IdToken || !result.RefreshToken) throw new Error(`no tokens for ${username}`);
  return { AccessToken: result.AccessToken, IdToken: result.IdToken, RefreshToken: result.RefreshToken };
}

/** Decodes a JWT's payload without verifying it (as the Amplify client does). */
export { decodeJwt } from 'jose';

/** The client half of Cognito SRP: SRP_A to send, then the PASSWORD_VERIFIER responses. */
export class TestSrpClient {
  private readonly a = BigInt(`0x${randomBytes(32).toString('hex')}`);
  readonly A = modPow(g, this.a, N);

  constructor(private readonly poolName: string) {}

  get srpA(): string {
    return this.A.toString(16);
  }

  respond(challenge: Record<string, string>, password: string, timestamp = 'Thu Jan 1 00:00:00 UTC 2026'): Record<string, string> {
    const userId = challenge.USER_ID_FOR_SRP!;
    const B = BigInt(`0x${challenge.SRP_B}`);
    const u = BigInt(`0x${hashHex(padHex(this.A) + padHex(B))}`);
    const identity = createHash('sha256').update(`${this.poolName}${userId}:${password}`).digest('hex');
    const x = BigInt(`0x${hashHex(padHex(BigInt(`0x${challenge.SALT}`)) + identity)}`);
    const base = (((B - k * modPow(g, x, N)) % N) + N) % N;
    const S = modPow(base, this.a + u * x, N);
    const key = Buffer.from(hkdfSync('sha256', Buffer.from(padHex(S), 'hex'), Buffer.from(padHex(u), 'hex'), 'Caldera Derived Key', 16));
    const signature = createHmac('sha256', key)
      .update(this.poolName).update(userId).update(Buffer.from(challenge.SECRET_BLOCK!, 'base64')).update(timestamp)
      .digest('base64');
    return {
      USERNAME: userId,
      PASSWORD_CLAIM_SECRET_BLOCK: challenge.SECRET_BLOCK!,
      TIMESTAMP: timestamp,
      PASSWORD_CLAIM_SIGNATURE: signature,
    };
  }
}

/**
 * SigV4 headers for an injected request (`app.inject`), signed with the SDK's own signer as a
 * client would: `host`, `x-amz-date` and `content-type` (and the token, for session credentials).
 */
export async function sigV4Headers(options: {
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  service: 'cognito-idp' | 'sts';
  body: string;
  headers: Record<string, string>;
  date: Date;
  region?: string;
  host?: string;
}): Promise<Record<string, string>> {
  const host = options.host ?? `${options.service}.${options.region ?? TEST_REGION}.amazonaws.com`;
  const signer = new SignatureV4({
    credentials: options.credentials, region: options.region ?? TEST_REGION, service: options.service, sha256: Sha256, applyChecksum: false,
  });
  const signed = await signer.sign(
    { method: 'POST', protocol: 'https:', hostname: host, path: '/', query: {}, headers: { host, ...options.headers }, body: options.body },
    { signingDate: options.date },
  );
  return signed.headers as Record<string, string>;
}

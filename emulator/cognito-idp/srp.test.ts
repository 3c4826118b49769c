import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  N, createPasswordVerifier, createSecretBlock, createServerEphemeral, hashHex, k, modPow, padHex,
  parseClientPublicValue, passwordAuthenticationKey, passwordMatches, verifyPasswordClaim, SRP_TIMESTAMP_PATTERN,
} from './srp.js';

/**
 * The real aws-amplify v6 client's SRP helpers, loaded from its published ESM build. They are
 * not exported by the package, so they are imported by file path (with a runtime specifier,
 * since the .mjs files ship no .d.mts).
 */
interface JsbnBigInteger {
  toString(radix: number): string;
}
interface AmplifySrp {
  getAuthenticationHelper(poolName: string): Promise<{
    A: JsbnBigInteger;
    getPasswordAuthenticationKey(input: {
      username: string; password: string; serverBValue: JsbnBigInteger; salt: JsbnBigInteger;
    }): Promise<Uint8Array>;
  }>;
  getSignatureString(input: {
    userPoolName: string; username: string; challengeParameters: Record<string, string>;
    dateNow: string; hkdf: Uint8Array;
  }): string;
  getNowString(): string;
}
type BigIntegerCtor = new (value: string, radix: number) => JsbnBigInteger;

const SRP_DIR = new URL('../../node_modules/@aws-amplify/auth/dist/esm/providers/cognito/utils/srp/', import.meta.url);
let amplify: AmplifySrp;
let BigInteger: BigIntegerCtor;
let getPaddedHex: (value: JsbnBigInteger) => string;

beforeAll(async () => {
  const load = (file: string): Promise<Record<string, unknown>> => import(new URL(file, SRP_DIR).href);
  amplify = (await load('index.mjs')) as unknown as AmplifySrp;
  BigInteger = (await load('BigInteger/BigInteger.mjs')).default as BigIntegerCtor;
  getPaddedHex = (await load('getPaddedHex.mjs')).getPaddedHex as typeof getPaddedHex;
});

const POOL_NAME = 'AbCdEf123';

describe('padHex', () => {
  it('pads to even length and prepends 00 when the top bit is set', () => {
    expect(padHex(0x14n)).toBe('14');
    expect(padHex(0xecn)).toBe('00ec');
    expect(padHex(0xc8n)).toBe('00c8');
    expect(padHex(0x1n)).toBe('01');
    expect(padHex(0x7ffn)).toBe('07ff');
    expect(padHex(0x8000n)).toBe('008000');
    expect(() => padHex(-1n)).toThrow(RangeError);
  });

  it("matches the client's getPaddedHex on random values", () => {
    for (let i = 0; i < 200; i++) {
      const hex = randomBytes(1 + (i % 48)).toString('hex');
      expect(padHex(BigInt(`0x${hex}`))).toBe(getPaddedHex(new BigInteger(hex, 16)));
    }
  });
});

describe('group parameters', () => {
  it('uses the 3072-bit RFC 5054 prime and k = H(pad(N) | pad(g))', () => {
    expect(N.toString(2)).toHaveLength(3072);
    expect(k).toBe(BigInt(`0x${hashHex(`00${N.toString(16)}02`)}`));
  });

  it('modPow agrees with square-and-multiply', () => {
    const naive = (b: bigint, e: bigint, m: bigint): bigint => {
      let r = 1n;
      for (let x = b % m; e > 0n; e >>= 1n, x = (x * x) % m) if (e & 1n) r = (r * x) % m;
      return r;
    };
    for (let i = 0; i < 5; i++) {
      const base = BigInt(`0x${randomBytes(384).toString('hex')}`);
      const exp = BigInt(`0x${randomBytes(32).toString('hex')}`);
      expect(modPow(base, exp, N)).toBe(naive(base, exp, N));
    }
    expect(modPow(5n, 0n, N)).toBe(1n);
  });
});

describe('password verifier', () => {
  it('accepts the right password and rejects others', () => {
    const stored = createPasswordVerifier(POOL_NAME, 'alice', 'Passw0rd!');
    expect(passwordMatches(stored, POOL_NAME, 'alice', 'Passw0rd!')).toBe(true);
    expect(passwordMatches(stored, POOL_NAME, 'alice', 'Passw0rd?')).toBe(false);
    expect(passwordMatches(stored, POOL_NAME, 'bob', 'Passw0rd!')).toBe(false);
    expect(passwordMatches(stored, 'OtherPool', 'alice', 'Passw0rd!')).toBe(false);
  });

  it('salts every verifier differently', () => {
    const a = createPasswordVerifier(POOL_NAME, 'alice', 'Passw0rd!');
    const b = createPasswordVerifier(POOL_NAME, 'alice', 'Passw0rd!');
    expect(a.salt).not.toBe(b.salt);
    expect(a.verifier).not.toBe(b.verifier);
  });
});

describe('client public value', () => {
  it('rejects A mod N = 0, non-hex and oversized values', () => {
    expect(parseClientPublicValue('0')).toBeUndefined();
    expect(parseClientPublicValue(N.toString(16))).toBeUndefined();
    expect(parseClientPublicValue((2n * N).toString(16))).toBeUndefined();
    expect(parseClientPublicValue('xyz')).toBeUndefined();
    expect(parseClientPublicValue('')).toBeUndefined();
    expect(parseClientPublicValue('f'.repeat(1025))).toBeUndefined();
    expect(parseClientPublicValue('1f')).toBe(0x1fn);
  });
});

describe('full exchange against the real Amplify client helpers', () => {
  async function exchange(username: string, clientPassword: string, serverPassword: string) {
    const stored = createPasswordVerifier(POOL_NAME, username, serverPassword);
    const helper = await amplify.getAuthenticationHelper(POOL_NAME);
    const A = parseClientPublicValue(helper.A.toString(16));
    expect(A).toBeDefined();
    const { b, B } = createServerEphemeral(stored.verifier);
    const clientKey = await helper.getPasswordAuthenticationKey({
      username, password: clientPassword, serverBValue: new BigInteger(B.toString(16), 16), salt: new BigInteger(stored.salt, 16),
    });
    const serverKey = passwordAuthenticationKey({ A: A!, B, b, verifier: stored.verifier });
    const secretBlock = createSecretBlock();
    const timestamp = amplify.getNowString();
    const signature = amplify.getSignatureString({
      userPoolName: POOL_NAME, username, challengeParameters: { SECRET_BLOCK: secretBlock }, dateNow: timestamp, hkdf: clientKey,
    });
    const accepted = verifyPasswordClaim({ key: serverKey!, poolName: POOL_NAME, userIdForSrp: username, secretBlock, timestamp, signature });
    return { clientKey: Buffer.from(clientKey), serverKey: serverKey!, accepted, timestamp };
  }

  it('derives the same key and accepts the signature (many runs, so every padding case occurs)', async () => {
    for (let i = 0; i < 12; i++) {
      const result = await exchange(`user-${i}`, 'Corr3ct-horse!', 'Corr3ct-horse!');
      expect(result.serverKey).toHaveLength(16);
      expect(result.serverKey.equals(result.clientKey)).toBe(true);
      expect(result.accepted).toBe(true);
      expect(result.timestamp).toMatch(SRP_TIMESTAMP_PATTERN);
    }
  });

  it('rejects the signature of a wrong password', async () => {
    const result = await exchange('alice', 'wrong-password', 'Corr3ct-horse!');
    expect(result.serverKey.equals(result.clientKey)).toBe(false);
    expect(result.accepted).toBe(false);
  });

  it('rejects a tampered signature, timestamp or secret block', async () => {
    const stored = createPasswordVerifier(POOL_NAME, 'alice', 'pw');
    const helper = await amplify.getAuthenticationHelper(POOL_NAME);
    const A = parseClientPublicValue(helper.A.toString(16))!;
    const { b, B } = createServerEphemeral(stored.verifier);
    const key = passwordAuthenticationKey({ A, B, b, verifier: stored.verifier })!;
    const secretBlock = createSecretBlock();
    const timestamp = 'Thu Jan 1 00:00:00 UTC 2026';
    const hkdf = await helper.getPasswordAuthenticationKey({
      username: 'alice', password: 'pw', serverBValue: new BigInteger(B.toString(16), 16), salt: new BigInteger(stored.salt, 16),
    });
    const signature = amplify.getSignatureString({
      userPoolName: POOL_NAME, username: 'alice', challengeParameters: { SECRET_BLOCK: secretBlock }, dateNow: timestamp, hkdf,
    });
    const claim = { key, poolName: POOL_NAME, userIdForSrp: 'alice', secretBlock, timestamp, signature };
    expect(verifyPasswordClaim(claim)).toBe(true);
    expect(verifyPasswordClaim({ ...claim, timestamp: 'Thu Jan 1 00:00:01 UTC 2026' })).toBe(false);
    expect(verifyPasswordClaim({ ...claim, secretBlock: createSecretBlock() })).toBe(false);
    expect(verifyPasswordClaim({ ...claim, userIdForSrp: 'bob' })).toBe(false);
    expect(verifyPasswordClaim({ ...claim, signature: 'AAAA' })).toBe(false);
  });

  it('prints the server-side cost of one exchange', () => {
    const stored = createPasswordVerifier(POOL_NAME, 'alice', 'pw');
    const A = modPow(2n, BigInt(`0x${randomBytes(128).toString('hex')}`), N);
    const runs = 20;
    const started = performance.now();
    for (let i = 0; i < runs; i++) {
      const { b, B } = createServerEphemeral(stored.verifier);
      passwordAuthenticationKey({ A, B, b, verifier: stored.verifier });
    }
    const perExchange = (performance.now() - started) / runs;
    console.log(`[srp] server-side SRP math per sign-in: ${perExchange.toFixed(2)} ms (mean of ${runs})`);
    expect(perExchange).toBeGreaterThan(0);
  });
});

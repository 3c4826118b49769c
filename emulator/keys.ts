import { randomUUID } from 'node:crypto';
import {
  SignJWT, exportJWK, generateKeyPair, importJWK, jwtVerify, createLocalJWKSet,
  type JSONWebKeySet, type JWK, type JWTPayload, type JWTVerifyOptions, type JWTVerifyResult,
} from 'jose';

export type SigningAlgorithm = 'RS256' | 'ES256';

interface KeyMaterial {
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/**
 * One signing key of the emulator. Each issuer has its own (see {@link StackKeys}), so a
 * token signed by one part of the stack never verifies at another.
 *
 * A generated key is usable at once: it is made on libuv's thread pool, and the first sign,
 * verify or JWKS waits for it. An RSA-2048 key takes 50 ms to a second of a core to find; one
 * generated `lazily` is made only when first used or {@link prepare}d, so a stack that never
 * issues a user-pool token (guests only) never pays for it, and one that does pays off its start.
 */
export class SigningKeys {
  private material: Promise<KeyMaterial> | undefined;

  private constructor(
    private readonly make: () => Promise<KeyMaterial>,
    readonly kid: string,
    readonly alg: SigningAlgorithm,
  ) {}

  /**
   * A new key, RS256 by default (what Cognito user pools sign with); ES256 is much cheaper.
   * Made now, on the thread pool; with `lazily`, when first used or prepared.
   */
  static generate(alg: SigningAlgorithm = 'RS256', options: { lazily?: boolean } = {}): SigningKeys {
    const kid = randomUUID();
    const keys = new SigningKeys(
      () => generateKeyPair(alg, { extractable: true }).then(async ({ privateKey, publicKey }) => ({
        privateKey,
        publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' },
      })),
      kid,
      alg,
    );
    if (!options.lazily) keys.prepare();
    return keys;
  }

  /** A key saved by {@link toPrivateJwk} (`--data-dir`), with the same `kid`. */
  static async fromPrivateJwk(jwk: JWK): Promise<SigningKeys> {
    const alg: SigningAlgorithm | undefined = jwk.alg === 'RS256' ? 'RS256' : jwk.alg === 'ES256' ? 'ES256' : undefined;
    if (!alg || typeof jwk.kid !== 'string' || typeof jwk.d !== 'string') throw new Error('not a private RS256 or ES256 signing key with a kid');
    const privateKey = await importJWK(jwk, alg, { extractable: true });
    if (!(privateKey instanceof CryptoKey) || privateKey.type !== 'private') throw new Error('not a private key');
    const publicJwk: JWK = alg === 'RS256'
      ? { kty: jwk.kty, n: jwk.n, e: jwk.e }
      : { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
    const material: KeyMaterial = { privateKey, publicJwk: { ...publicJwk, kid: jwk.kid, alg, use: 'sig' } };
    const keys = new SigningKeys(async () => material, jwk.kid, alg);
    keys.prepare();
    return keys;
  }

  /** Whether making the key has started (always, unless it was generated `lazily` and not used or prepared yet). */
  get started(): boolean {
    return this.material !== undefined;
  }

  /** Starts making the key if that has not started (a lazy key that will be needed soon). */
  prepare(): void {
    if (this.material) return;
    this.material = this.make();
    this.material.catch(() => undefined); // reported to every use (and by ready())
  }

  /** Resolves once the key exists (rejects if it could not be made); starts a lazy one. */
  async ready(): Promise<void> {
    await this.key();
  }

  private key(): Promise<KeyMaterial> {
    this.prepare();
    return this.material!;
  }

  /** The private key as a JWK, to be kept where only the emulator's user can read it. */
  async toPrivateJwk(): Promise<JWK> {
    return { ...(await exportJWK((await this.key()).privateKey)), kid: this.kid, alg: this.alg, use: 'sig' };
  }

  async jwks(): Promise<JSONWebKeySet> {
    return { keys: [(await this.key()).publicJwk] };
  }

  /** Signs `claims` as a JWT with this key's `kid`. `iat`/`exp` must be in claims. */
  async sign(claims: JWTPayload): Promise<string> {
    const { privateKey } = await this.key();
    return new SignJWT(claims).setProtectedHeader({ alg: this.alg, kid: this.kid, typ: 'JWT' }).sign(privateKey);
  }

  /** Verifies signature and the standard claims jose checks (exp, nbf, and what `options` asks). */
  async verify(token: string, options: JWTVerifyOptions = {}): Promise<JWTVerifyResult> {
    return jwtVerify(token, createLocalJWKSet(await this.jwks()), { algorithms: [this.alg], ...options });
  }
}

/**
 * The stack's three issuers, each with its own private key, generated in memory at start and
 * written nowhere, except with `--data-dir` (emulator/state/keys-file.ts: one file, mode 0600, so
 * that tokens issued before a restart still verify after it):
 * - `userPools`: user-pool ID and access tokens (published at each pool's `/.well-known/jwks.json`);
 * - `identity`: the classic flow's Cognito identity OpenID tokens (GetOpenIdToken), which STS
 *   AssumeRoleWithWebIdentity verifies;
 * - `minio`: the web-identity tokens the credential vendor hands MinIO. Only its public key is in
 *   the JWKS MinIO trusts, and it signs nothing a client ever sees, so no token a client can obtain
 *   (or shape through user attributes) is ever accepted by MinIO's STS.
 */
export interface StackKeys {
  userPools: SigningKeys;
  identity: SigningKeys;
  minio: SigningKeys;
}

/**
 * The stack's keys, usable at once (see {@link SigningKeys}): the two EC keys are made now (about a
 * millisecond each); the user pools' RSA key lazily, when a pool with users is loaded
 * (`Stack.load` prepares it) or at its first use.
 */
export function generateStackKeys(): StackKeys {
  // User pools sign RS256 as Cognito does (clients and verifiers may check); the other two are
  // verified only by the emulator's STS and by MinIO (which takes EC keys), and an EC key costs
  // about a millisecond where an RSA key costs up to a second on a busy machine.
  return {
    userPools: SigningKeys.generate('RS256', { lazily: true }),
    identity: SigningKeys.generate('ES256'),
    minio: SigningKeys.generate('ES256'),
  };
}

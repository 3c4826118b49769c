import { randomUUID } from 'node:crypto';
import {
  SignJWT, exportJWK, generateKeyPair, importJWK, jwtVerify, createLocalJWKSet,
  type JSONWebKeySet, type JWK, type JWTPayload, type JWTVerifyOptions, type JWTVerifyResult,
} from 'jose';

export type SigningAlgorithm = 'RS256' | 'ES256';

/**
 * One signing key of the emulator. Each issuer has its own (see {@link StackKeys}), so a
 * token signed by one part of the stack never verifies at another.
 */
export class SigningKeys {
  private constructor(
    private readonly privateKey: CryptoKey,
    readonly publicJwk: JWK,
    readonly kid: string,
    readonly alg: SigningAlgorithm,
  ) {}

  /** RS256 by default (what Cognito user pools sign with); ES256 is much cheaper to generate. */
  static async generate(alg: SigningAlgorithm = 'RS256'): Promise<SigningKeys> {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    const kid = randomUUID();
    const jwk = await exportJWK(publicKey);
    return new SigningKeys(privateKey, { ...jwk, kid, alg, use: 'sig' }, kid, alg);
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
    return new SigningKeys(privateKey, { ...publicJwk, kid: jwk.kid, alg, use: 'sig' }, jwk.kid, alg);
  }

  /** The private key as a JWK, to be kept where only the emulator's user can read it. */
  async toPrivateJwk(): Promise<JWK> {
    return { ...(await exportJWK(this.privateKey)), kid: this.kid, alg: this.alg, use: 'sig' };
  }

  get jwks(): JSONWebKeySet {
    return { keys: [this.publicJwk] };
  }

  /** Signs `claims` as a JWT with this key's `kid`. `iat`/`exp` must be in claims. */
  sign(claims: JWTPayload): Promise<string> {
    return new SignJWT(claims).setProtectedHeader({ alg: this.alg, kid: this.kid, typ: 'JWT' }).sign(this.privateKey);
  }

  /** Verifies signature and the standard claims jose checks (exp, nbf, and what `options` asks). */
  verify(token: string, options: JWTVerifyOptions = {}): Promise<JWTVerifyResult> {
    return jwtVerify(token, createLocalJWKSet(this.jwks), { algorithms: [this.alg], ...options });
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

export async function generateStackKeys(): Promise<StackKeys> {
  // User pools sign RS256 as Cognito does (clients and verifiers may check); the other two are
  // verified only by the emulator's STS and by MinIO (which takes EC keys), and an EC key costs
  // about a millisecond where an RSA key costs up to a second on a busy machine.
  const [userPools, identity, minio] = await Promise.all([SigningKeys.generate('RS256'), SigningKeys.generate('ES256'), SigningKeys.generate('ES256')]);
  return { userPools, identity, minio };
}

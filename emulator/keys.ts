import { randomUUID } from 'node:crypto';
import {
  SignJWT, exportJWK, generateKeyPair, jwtVerify, createLocalJWKSet,
  type JSONWebKeySet, type JWK, type JWTPayload, type JWTVerifyOptions, type JWTVerifyResult,
} from 'jose';

/**
 * One RS256 signing key of the emulator. Each issuer has its own (see {@link StackKeys}), so a
 * token signed by one part of the stack never verifies at another.
 */
export class SigningKeys {
  private constructor(
    private readonly privateKey: CryptoKey,
    readonly publicJwk: JWK,
    readonly kid: string,
  ) {}

  static async generate(): Promise<SigningKeys> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const kid = randomUUID();
    const jwk = await exportJWK(publicKey);
    return new SigningKeys(privateKey, { ...jwk, kid, alg: 'RS256', use: 'sig' }, kid);
  }

  get jwks(): JSONWebKeySet {
    return { keys: [this.publicJwk] };
  }

  /** Signs `claims` as an RS256 JWT with this key's `kid`. `iat`/`exp` must be in claims. */
  sign(claims: JWTPayload): Promise<string> {
    return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: this.kid, typ: 'JWT' }).sign(this.privateKey);
  }

  /** Verifies signature and the standard claims jose checks (exp, nbf, and what `options` asks). */
  verify(token: string, options: JWTVerifyOptions = {}): Promise<JWTVerifyResult> {
    return jwtVerify(token, createLocalJWKSet(this.jwks), { algorithms: ['RS256'], ...options });
  }
}

/**
 * The stack's three issuers, each with its own private key:
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
  const [userPools, identity, minio] = await Promise.all([SigningKeys.generate(), SigningKeys.generate(), SigningKeys.generate()]);
  return { userPools, identity, minio };
}

import { randomUUID } from 'node:crypto';
import {
  SignJWT, exportJWK, generateKeyPair, jwtVerify, createLocalJWKSet,
  type JSONWebKeySet, type JWK, type JWTPayload, type JWTVerifyOptions, type JWTVerifyResult,
} from 'jose';

/**
 * The emulator's RS256 signing key. One key signs user-pool tokens (as Cognito does, published
 * at each pool's `/.well-known/jwks.json`) and the web-identity tokens MinIO trusts.
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

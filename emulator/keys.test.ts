import { describe, expect, it } from 'vitest';
import { SigningKeys, generateStackKeys } from './keys.js';

const now = () => Math.floor(Date.now() / 1000);

describe('SigningKeys', () => {
  it('a key is usable at once: sign, verify and the JWKS wait for it to be made', async () => {
    const keys = SigningKeys.generate('RS256');
    expect(keys.started).toBe(true);
    const token = await keys.sign({ sub: 'u', iat: now(), exp: now() + 60 });
    expect((await keys.verify(token)).payload.sub).toBe('u');
    const [jwk] = (await keys.jwks()).keys;
    expect(jwk).toMatchObject({ kty: 'RSA', kid: keys.kid, alg: 'RS256', use: 'sig' });
    expect(jwk).not.toHaveProperty('d');
  });

  it('a lazy key is made only when first used or prepared, and once', async () => {
    const unused = SigningKeys.generate('RS256', { lazily: true });
    expect(unused.started).toBe(false);

    const used = SigningKeys.generate('ES256', { lazily: true });
    const first = await used.jwks();
    expect(used.started).toBe(true);
    expect(await used.jwks()).toEqual(first);
    expect(await used.toPrivateJwk()).toMatchObject({ kid: used.kid, d: expect.any(String) });

    const prepared = SigningKeys.generate('ES256', { lazily: true });
    prepared.prepare();
    expect(prepared.started).toBe(true);
    await prepared.ready();
  });

  it('the stack makes its EC keys now and leaves the user pools\' RSA key for its first use', async () => {
    const keys = generateStackKeys();
    expect([keys.userPools.alg, keys.identity.alg, keys.minio.alg]).toEqual(['RS256', 'ES256', 'ES256']);
    expect([keys.userPools.started, keys.identity.started, keys.minio.started]).toEqual([false, true, true]);
    // Each issuer its own key: a token one signs does not verify at another.
    const token = await keys.identity.sign({ sub: 'x', iat: now(), exp: now() + 60 });
    await expect(keys.minio.verify(token)).rejects.toThrow();
  });

  it('a saved key comes back with the same kid and verifies what the original signed', async () => {
    const original = SigningKeys.generate('ES256');
    const token = await original.sign({ sub: 'v', iat: now(), exp: now() + 60 });
    const restored = await SigningKeys.fromPrivateJwk(await original.toPrivateJwk());
    expect(restored.kid).toBe(original.kid);
    expect(restored.started).toBe(true);
    expect((await restored.verify(token)).payload.sub).toBe('v');
  });
});

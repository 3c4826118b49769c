import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { UserPoolStore } from './store.js';
import { createTestDeps, TEST_CLIENT_ID, TEST_PASSWORD, TEST_POOL_ID, TEST_REGION, testPoolConfig } from '../../test/helpers/cognito-idp.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function loaded(config = testPoolConfig()) {
  const clock = new ManualClock();
  const store = new UserPoolStore(clock);
  const pool = store.loadPool(config, TEST_REGION);
  return { clock, store, pool };
}

describe('UserPoolStore.loadPool', () => {
  it('creates the pool, its clients, groups and CONFIRMED users', () => {
    const { store, pool } = loaded();
    expect(pool.id).toBe(TEST_POOL_ID);
    expect(pool.region).toBe(TEST_REGION);
    expect(pool.srpName).toBe('TestPool1');
    expect(store.requirePoolForClient(TEST_CLIENT_ID)).toBe(pool);
    expect([...pool.groups.keys()]).toEqual(['admin', 'editors', 'readers']);

    const alice = store.getUser(TEST_POOL_ID, 'alice');
    expect(alice).toEqual({
      username: 'alice',
      sub: expect.stringMatching(UUID),
      status: 'CONFIRMED',
      enabled: true,
      attributes: { email: 'alice@example.com', email_verified: 'true', sub: alice.sub },
      groups: ['admin', 'editors'],
    });
    const bob = store.getUser(TEST_POOL_ID, 'bob');
    expect(bob.attributes).toEqual({ name: 'Bob', sub: bob.sub });
    expect(bob.sub).not.toBe(alice.sub);
  });

  it('keeps a permanent password, not the plain text', () => {
    const { pool } = loaded();
    const alice = pool.requireUser('alice');
    expect(pool.passwordMatches(alice, TEST_PASSWORD)).toBe(true);
    expect(pool.passwordMatches(alice, 'nope')).toBe(false);
    expect(JSON.stringify(alice, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))).not.toContain(TEST_PASSWORD);
  });

  it('looks usernames up case-insensitively and keeps sub stable', () => {
    const { store } = loaded();
    expect(store.getUser(TEST_POOL_ID, 'ALICE').sub).toBe(store.getUser(TEST_POOL_ID, 'alice').sub);
  });

  it('uses the sub as internal username in email-as-username pools and resolves the email', () => {
    const { store, pool } = loaded(testPoolConfig({
      usernameAttributes: ['email'],
      users: [{ username: 'Carol@Example.com', password: TEST_PASSWORD, groups: ['readers'] }],
    }));
    const carol = store.getUser(TEST_POOL_ID, 'carol@example.com');
    expect(carol.username).toBe(carol.sub);
    expect(carol.attributes).toMatchObject({ email: 'Carol@Example.com', email_verified: 'true' });
    expect(store.getUser(TEST_POOL_ID, carol.sub).sub).toBe(carol.sub);
    expect(pool.passwordMatches(pool.requireUser('carol@example.com'), TEST_PASSWORD)).toBe(true);
  });

  it('rejects bad config: pool id shape, duplicates, unknown groups, weak passwords', () => {
    const store = new UserPoolStore();
    expect(() => store.loadPool(testPoolConfig({ id: 'nounderscore' }), TEST_REGION)).toThrow(/<region>_<id>/);
    store.loadPool(testPoolConfig(), TEST_REGION);
    expect(() => store.loadPool(testPoolConfig(), TEST_REGION)).toThrow(/already loaded/);
    expect(() => store.loadPool(testPoolConfig({ id: 'us-east-1_Other' }), TEST_REGION)).toThrow(/already belongs/);
    expect(() => new UserPoolStore().loadPool(testPoolConfig({
      users: [{ username: 'x', password: TEST_PASSWORD, groups: ['ghosts'] }],
    }), TEST_REGION)).toThrow(/unknown group ghosts/);
    expect(() => new UserPoolStore().loadPool(testPoolConfig({
      users: [{ username: 'x', password: 'weak' }],
    }), TEST_REGION)).toThrow(/user x: Password did not conform with policy: Password not long enough/);
  });

  it('rejects duplicate users', () => {
    expect(() => loaded(testPoolConfig({
      users: [{ username: 'dup', password: TEST_PASSWORD }, { username: 'DUP', password: TEST_PASSWORD }],
    }))).toThrow(expect.objectContaining({ type: 'UsernameExistsException' }));
  });
});

describe('UserPoolStore lookups', () => {
  it('answers unknown pools, clients and users with Cognito errors', () => {
    const { store } = loaded();
    expect(() => store.requirePool('us-east-1_Nope')).toThrow(
      expect.objectContaining({ type: 'ResourceNotFoundException', message: 'User pool us-east-1_Nope does not exist.' }),
    );
    expect(() => store.requirePoolForClient('nope')).toThrow(
      expect.objectContaining({ type: 'ResourceNotFoundException', message: 'User pool client nope does not exist.' }),
    );
    expect(() => store.getUser(TEST_POOL_ID, 'zed')).toThrow(
      expect.objectContaining({ type: 'UserNotFoundException', message: 'User does not exist.' }),
    );
  });

  it('removePool forgets the pool, its clients and its tokens', () => {
    const { store, pool, clock } = loaded();
    const alice = pool.requireUser('alice');
    const record = {
      token: 'rt', poolId: pool.id, clientId: TEST_CLIENT_ID, sub: alice.sub, originJti: 'o', eventId: 'e',
      authTime: clock.now(), expiresAt: new Date(clock.now().getTime() + 1000), revoked: false,
    };
    store.saveRefreshToken(record);
    expect(store.removePool(TEST_POOL_ID)).toBe(true);
    expect(store.findPool(TEST_POOL_ID)).toBeUndefined();
    expect(() => store.requirePoolForClient(TEST_CLIENT_ID)).toThrow();
    expect(store.findRefreshToken('rt')).toBeUndefined();
    expect(store.removePool(TEST_POOL_ID)).toBe(false);
    store.loadPool(testPoolConfig(), TEST_REGION);
  });

  it('revokes one sign-in or all of a user', () => {
    const { store, pool, clock } = loaded();
    const alice = pool.requireUser('alice');
    const make = (token: string, sub: string) => ({
      token, poolId: pool.id, clientId: TEST_CLIENT_ID, sub, originJti: `o-${token}`, eventId: 'e',
      authTime: clock.now(), expiresAt: clock.now(), revoked: false,
    });
    store.saveRefreshToken(make('a1', alice.sub));
    store.saveRefreshToken(make('a2', alice.sub));
    store.saveRefreshToken(make('b1', pool.requireUser('bob').sub));
    store.revokeRefreshToken(store.findRefreshToken('a1')!);
    expect(store.isRevoked('o-a1')).toBe(true);
    expect(store.isRevoked('o-a2')).toBe(false);
    store.revokeUserTokens(pool.id, alice.sub);
    expect(store.isRevoked('o-a2')).toBe(true);
    expect(store.isRevoked('o-b1')).toBe(false);
  });

  it('SRP sessions are single use; expired sessions are pruned', () => {
    const { store, clock } = loaded();
    const session = { poolId: TEST_POOL_ID, clientId: TEST_CLIENT_ID, sub: 's', A: 1n, B: 2n, b: 3n, expiresAt: new Date(clock.now().getTime() + 1000) };
    store.saveSrpSession('block', session);
    expect(store.takeSrpSession('block')).toBe(session);
    expect(store.takeSrpSession('block')).toBeUndefined();
    store.saveSrpSession('old', session);
    clock.advance(2000);
    store.saveSrpSession('new', { ...session, expiresAt: new Date(clock.now().getTime() + 1000) });
    expect(store.takeSrpSession('old')).toBeUndefined();
  });

  it('issues 6-digit confirmation codes', () => {
    const { store, pool } = loaded();
    const code = store.issueConfirmationCode(pool.requireUser('bob'));
    expect(code).toMatch(/^\d{6}$/);
    expect(store.getConfirmationCode(TEST_POOL_ID, 'bob')).toBe(code);
  });
});

describe('UserPoolStore memory in a long-lived stack', () => {
  it('forgets sign-ins whose refresh token and last minted token have expired, keeping live ones and their revocations', async () => {
    const deps = await createTestDeps();
    const record = (token: string, expiresInMs: number) => ({
      token, poolId: TEST_POOL_ID, clientId: TEST_CLIENT_ID, sub: 's', originJti: `jti-${token}`, eventId: 'e',
      authTime: deps.clock.now(), expiresAt: new Date(deps.clock.now().getTime() + expiresInMs), revoked: false,
    });
    for (let i = 0; i < 1000; i++) deps.store.saveRefreshToken(record(`old-${i}`, 60_000));
    const live = record('live', 30 * 24 * 3600_000);
    deps.store.saveRefreshToken(live);
    deps.store.revokeRefreshToken(live);
    deps.store.revokeRefreshToken(deps.store.findRefreshToken('old-0')!);
    deps.clock.advance(60_000 + 3600_000); // the old refresh tokens and anything they minted have expired
    deps.store.forgetFinishedSignIns();
    expect(deps.store.signInCount).toBe(1);
    expect(deps.store.findRefreshToken('old-1')).toBeUndefined();
    expect(deps.store.isRevoked('jti-old-0')).toBe(false);
    expect(deps.store.isRevoked('jti-live')).toBe(true);
  });

  it('sweeps by itself as sign-ins accumulate', async () => {
    const deps = await createTestDeps();
    let peak = 0;
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 300; i++) {
        deps.store.saveRefreshToken({
          token: `${round}-${i}`, poolId: TEST_POOL_ID, clientId: TEST_CLIENT_ID, sub: 's', originJti: `${round}-${i}`, eventId: 'e',
          authTime: deps.clock.now(), expiresAt: new Date(deps.clock.now().getTime() + 60_000), revoked: false,
        });
      }
      peak = Math.max(peak, deps.store.signInCount);
      deps.clock.advance(2 * 3600_000);
    }
    expect(peak).toBeLessThanOrEqual(2 * 300 + 256);
  });
});

describe('UserPoolStore.reseedUsers', () => {
  const signIn = (store: UserPoolStore, poolId: string, sub: string, token: string, clock: ManualClock) => {
    const record = {
      token, poolId, clientId: TEST_CLIENT_ID, sub, originJti: `o-${token}`, eventId: 'e',
      authTime: clock.now(), expiresAt: new Date(clock.now().getTime() + 86_400_000), revoked: false,
    };
    store.saveRefreshToken(record);
    return record;
  };

  it('keeps unchanged users with their sub and sign-ins, makes changed ones anew and revokes their sign-ins', () => {
    const config = testPoolConfig();
    const { store, pool, clock } = loaded(config);
    const alice = pool.requireUser('alice');
    const bob = pool.requireUser('bob');
    const aliceSignIn = signIn(store, pool.id, alice.sub, 'ra', clock);
    const bobSignIn = signIn(store, pool.id, bob.sub, 'rb', clock);

    const next = [
      config.users[0]!,
      { ...config.users[1]!, password: `${TEST_PASSWORD}x` },
      { username: 'carol', password: TEST_PASSWORD },
    ];
    expect(store.reseedUsers(pool.id, config.users, next)).toEqual(['alice']);
    expect(pool.requireUser('alice')).toBe(alice);
    expect(aliceSignIn.revoked).toBe(false);
    expect(pool.requireUser('bob').sub).not.toBe(bob.sub);
    expect(bobSignIn.revoked).toBe(true);
    expect(pool.passwordMatches(pool.requireUser('bob'), `${TEST_PASSWORD}x`)).toBe(true);
    expect(pool.findUser('carol')).toBeDefined();

    // Users no longer given are deleted; a bad seed changes nothing.
    expect(store.reseedUsers(pool.id, next, [next[0]!])).toEqual(['alice']);
    expect(pool.findUser('bob')).toBeUndefined();
    expect(() => store.reseedUsers(pool.id, [next[0]!], [next[0]!, { username: 'dave', password: 'short' }])).toThrow(/dave/);
    expect(pool.findUser('dave')).toBeUndefined();
    expect(pool.requireUser('alice')).toBe(alice);
  });
});

import type { Identity, IdentityPoolStore } from '../cognito-identity/store.js';
import type { BucketCors } from '../s3-cors/rules.js';
import type { RefreshTokenRecord, StoredGroup, StoredUser, UserPool, UserPoolStore, UserStatus } from '../cognito-idp/store.js';

/**
 * What `--data-dir` keeps of the emulator's own state, as JSON (mode 0600): each user pool's users
 * (with their SRP verifiers, never passwords), groups and memberships, its sign-ins (refresh
 * tokens, revoked or not, until they can mint no valid token), and each identity pool's
 * identities; and buckets' CORS configurations. With the signing keys (keys-file.ts), a client
 * signed in before a restart stays signed in after it. Not kept: SRP and challenge sessions
 * (minutes long; a sign-in under way starts again) and the emulator's record of vended credentials.
 */
export interface SavedState {
  version: 1;
  userPools: Record<string, SavedUserPool>;
  identityPools: Record<string, SavedIdentity[]>;
  /** By bucket name. Absent in files written before CORS was kept. */
  bucketCors?: Record<string, SavedBucketCors>;
}

/**
 * A bucket's CORS: what the app's file said when it was loaded, and what the bucket has now (a
 * PutBucketCors or DeleteBucketCors since). Null: no CORS configuration.
 */
export interface SavedBucketCors {
  configured: BucketCors;
  current: BucketCors;
}

export interface SavedUserPool {
  groups: SavedGroup[];
  users: SavedUser[];
  /** Absent in files written before sign-ins were kept. */
  signIns?: SavedSignIn[];
}

interface SavedSignIn {
  refreshToken: string;
  clientId: string;
  sub: string;
  originJti: string;
  eventId: string;
  authTime: string;
  expiresAt: string;
  revoked: boolean;
}

interface SavedGroup {
  name: string;
  description?: string;
  precedence?: number;
  roleArn?: string;
  createdAt: string;
  updatedAt: string;
}

interface SavedUser {
  username: string;
  sub: string;
  attributes: Record<string, string>;
  status: UserStatus;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
  password: { salt: string; verifier: string };
  temporaryPasswordExpiresAt?: string;
  groups: string[];
  confirmationCode?: { code: string; expiresAt: string };
}

export interface SavedIdentity {
  id: string;
  logins: Record<string, string>;
}

export function emptyState(): SavedState {
  return { version: 1, userPools: {}, identityPools: {} };
}

export function saveUserPool(pool: UserPool, store: UserPoolStore): SavedUserPool {
  return {
    signIns: store.listSignIns(pool.id).map((r) => ({
      refreshToken: r.token,
      clientId: r.clientId,
      sub: r.sub,
      originJti: r.originJti,
      eventId: r.eventId,
      authTime: r.authTime.toISOString(),
      expiresAt: r.expiresAt.toISOString(),
      revoked: r.revoked,
    })),
    groups: [...pool.groups.values()].map((g) => ({
      name: g.name,
      ...(g.description !== undefined ? { description: g.description } : {}),
      ...(g.precedence !== undefined ? { precedence: g.precedence } : {}),
      ...(g.roleArn !== undefined ? { roleArn: g.roleArn } : {}),
      createdAt: g.createdAt.toISOString(),
      updatedAt: g.updatedAt.toISOString(),
    })),
    users: pool.listUsers().map((u) => ({
      username: u.username,
      sub: u.sub,
      attributes: Object.fromEntries(u.attributes),
      status: u.status,
      enabled: u.enabled,
      createdAt: u.createdAt.toISOString(),
      updatedAt: u.updatedAt.toISOString(),
      password: { salt: u.password.salt, verifier: u.password.verifier.toString(16) },
      ...(u.temporaryPasswordExpiresAt ? { temporaryPasswordExpiresAt: u.temporaryPasswordExpiresAt.toISOString() } : {}),
      groups: [...u.groups],
      ...(u.confirmationCode ? { confirmationCode: { code: u.confirmationCode.code, expiresAt: u.confirmationCode.expiresAt.toISOString() } } : {}),
    })),
  };
}

/**
 * Puts a saved pool's users and groups back into a pool freshly loaded from its config. Saved
 * users win over the config's seeds of the same name (their sub, password and groups are what the
 * app has seen); seeds the saved state does not know are kept, so users added to the file appear.
 * Groups: the config's settings, plus groups created at run time.
 */
export function restoreUserPool(pool: UserPool, saved: SavedUserPool, store: UserPoolStore): void {
  for (const g of saved.groups) {
    if (pool.groups.has(g.name)) continue;
    const group: StoredGroup = {
      name: g.name,
      ...(g.description !== undefined ? { description: g.description } : {}),
      ...(g.precedence !== undefined ? { precedence: g.precedence } : {}),
      ...(g.roleArn !== undefined ? { roleArn: g.roleArn } : {}),
      createdAt: new Date(g.createdAt),
      updatedAt: new Date(g.updatedAt),
    };
    pool.groups.set(g.name, group);
  }
  for (const u of saved.users) {
    const seeded = pool.findUser(u.username);
    if (seeded) pool.deleteUser(seeded);
    const user: StoredUser = {
      username: u.username,
      sub: u.sub,
      attributes: new Map(Object.entries(u.attributes)),
      status: u.status,
      enabled: u.enabled,
      createdAt: new Date(u.createdAt),
      updatedAt: new Date(u.updatedAt),
      password: { salt: u.password.salt, verifier: BigInt(`0x${u.password.verifier}`) },
      ...(u.temporaryPasswordExpiresAt ? { temporaryPasswordExpiresAt: new Date(u.temporaryPasswordExpiresAt) } : {}),
      groups: new Set(u.groups.filter((g) => pool.groups.has(g))),
      ...(u.confirmationCode ? { confirmationCode: { code: u.confirmationCode.code, expiresAt: new Date(u.confirmationCode.expiresAt) } } : {}),
    };
    pool.restoreUser(user);
  }
  // Sign-ins of users that still exist, for app clients the pool still has.
  for (const r of saved.signIns ?? []) {
    if (!pool.findUserBySub(r.sub) || !pool.clientIds.has(r.clientId)) continue;
    const record: RefreshTokenRecord = {
      token: r.refreshToken,
      poolId: pool.id,
      clientId: r.clientId,
      sub: r.sub,
      originJti: r.originJti,
      eventId: r.eventId,
      authTime: new Date(r.authTime),
      expiresAt: new Date(r.expiresAt),
      revoked: r.revoked,
    };
    store.restoreSignIn(record);
  }
}

export function saveIdentities(store: IdentityPoolStore, poolId: string): SavedIdentity[] {
  return store.listIdentities(poolId).map((i) => ({ id: i.id, logins: Object.fromEntries(i.logins) }));
}

export function restoreIdentities(store: IdentityPoolStore, poolId: string, saved: SavedIdentity[]): void {
  for (const s of saved) {
    const identity: Identity = { id: s.id, poolId, logins: new Map(Object.entries(s.logins)) };
    store.restoreIdentity(identity);
  }
}

/** Reads a state file's JSON; refuses what is not one, saying which file. */
export function parseState(text: string, file: string): SavedState {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file} is not valid JSON (${(e as Error).message}); move it away to start with fresh state.`);
  }
  const s = parsed as Partial<SavedState>;
  if (typeof s !== 'object' || s === null || s.version !== 1 || typeof s.userPools !== 'object' || typeof s.identityPools !== 'object') {
    throw new Error(`${file} is not an amplify-storage-emulator state file (version 1); move it away to start with fresh state.`);
  }
  return s as SavedState;
}

import type { Identity, IdentityPoolStore } from '../cognito-identity/store.js';
import type { StoredGroup, StoredUser, UserPool, UserStatus } from '../cognito-idp/store.js';

/**
 * What `--data-dir` keeps of the emulator's own state, as JSON: each user pool's users (with their
 * SRP verifiers, never passwords), groups and memberships, and each identity pool's identities.
 * Sessions, refresh tokens and vended credentials are not kept: a restart signs everyone out.
 */
export interface SavedState {
  version: 1;
  userPools: Record<string, SavedUserPool>;
  identityPools: Record<string, SavedIdentity[]>;
}

export interface SavedUserPool {
  groups: SavedGroup[];
  users: SavedUser[];
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

export function saveUserPool(pool: UserPool): SavedUserPool {
  return {
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
export function restoreUserPool(pool: UserPool, saved: SavedUserPool): void {
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

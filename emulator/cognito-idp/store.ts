/**
 * The user pools' state. Over 400 lines because it is the one owner of that state: pools, app
 * clients, groups, users and the short-lived sign-in records change together under one set of
 * invariants (unique names, attribute rules, token validity); the operations in this folder only
 * read and call it. (The state itself is described on UserPoolStore below.)
 */
import { randomInt, randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../clock.js';
import type { PasswordPolicyConfig, UserConfig, UserPoolConfig } from '../config.js';
import { InvalidParameterException, ResourceNotFoundException, UserNotFoundException, UsernameExistsException } from './errors.js';
import { attributeNameProblem } from './attributes.js';
import { TOKEN_VALIDITY_SECONDS } from './tokens.js';
import { DEFAULT_PASSWORD_POLICY, passwordPolicyViolation } from './password-policy.js';
import { createPasswordVerifier, passwordMatches, type PasswordVerifier } from './srp.js';

/**
 * State of every emulated user pool: pools, app clients, groups, users, and the short-lived
 * records sign-in needs (SRP sessions, challenge sessions, refresh tokens, revocations).
 *
 * Usernames are case-insensitive, as in pools Amplify Gen2 creates. In pools whose
 * `usernameAttributes` include `email` (email-as-username), users sign in with their email and
 * their internal username is their `sub`, exactly as Cognito does; lookups accept either.
 */

export type UserStatus = 'UNCONFIRMED' | 'CONFIRMED' | 'FORCE_CHANGE_PASSWORD' | 'RESET_REQUIRED';
export type { UsernameAttribute } from './username-attributes.js';
import { signInAttributeFor, type UsernameAttribute } from './username-attributes.js';

export interface StoredGroup {
  readonly name: string;
  description?: string;
  precedence?: number;
  roleArn?: string;
  readonly createdAt: Date;
  updatedAt: Date;
}

export interface StoredUser {
  /** The internal username (`cognito:username`); the sub in email-as-username pools. */
  readonly username: string;
  /** Random UUID, stable for the user's life. */
  readonly sub: string;
  /** Every attribute, `sub` included. */
  readonly attributes: Map<string, string>;
  status: UserStatus;
  enabled: boolean;
  readonly createdAt: Date;
  updatedAt: Date;
  /** SRP salt and verifier; the password itself is never kept. */
  password: PasswordVerifier;
  /** Set while status is FORCE_CHANGE_PASSWORD. */
  temporaryPasswordExpiresAt?: Date;
  readonly groups: Set<string>;
  confirmationCode?: { code: string; expiresAt: Date };
}

/** A read-only copy of a user, for code outside the emulator (the harness). */
export interface UserSnapshot {
  username: string;
  sub: string;
  status: UserStatus;
  enabled: boolean;
  attributes: Record<string, string>;
  /** Ordered by precedence (lowest first; groups without precedence last). */
  groups: string[];
}

export interface NewUser {
  /** What the caller calls the user: a username, or the email in email-as-username pools. */
  signInName: string;
  password: string;
  attributes?: Iterable<readonly [string, string]>;
  status: UserStatus;
  temporaryPasswordExpiresAt?: Date;
}

const POOL_ID = /^[\w-]+_[0-9a-zA-Z]+$/;

export class UserPool {
  /** The part of the id after `_`: the "pool name" SRP hashes into every verifier. */
  readonly srpName: string;
  readonly groups = new Map<string, StoredGroup>();
  private readonly users = new Map<string, StoredUser>();

  constructor(
    readonly id: string,
    readonly region: string,
    readonly clientIds: ReadonlySet<string>,
    readonly usernameAttributes: readonly UsernameAttribute[],
    readonly passwordPolicy: PasswordPolicyConfig,
    readonly displayName: string,
  ) {
    this.srpName = id.slice(id.indexOf('_') + 1);
  }

  /** Resolves a sign-in name: the internal username, or (when configured) the email / phone. */
  findUser(name: string): StoredUser | undefined {
    const direct = this.users.get(name.toLowerCase());
    if (direct) return direct;
    for (const attribute of this.usernameAttributes) {
      const found = this.findByAttribute(attribute, name);
      if (found) return found;
    }
    return undefined;
  }

  /** Like {@link findUser}; throws UserNotFoundException ("User does not exist.") otherwise. */
  requireUser(name: string): StoredUser {
    const user = this.findUser(name);
    if (!user) throw new UserNotFoundException();
    return user;
  }

  findUserBySub(sub: string): StoredUser | undefined {
    for (const user of this.users.values()) if (user.sub === sub) return user;
    return undefined;
  }

  /** Every user, ordered by username (a stable order for pagination). */
  listUsers(): StoredUser[] {
    return [...this.users.values()].sort((a, b) => compareStrings(a.username, b.username));
  }

  /**
   * Creates a user. In email/phone-as-username pools the sign-in name must be an email/phone
   * number; it becomes that attribute and the internal username becomes the sub.
   */
  createUser(input: NewUser, now: Date, existsMessage?: string): StoredUser {
    const sub = randomUUID();
    const attributes = new Map<string, string>([['sub', sub], ...(input.attributes ?? [])]);
    attributes.set('sub', sub);
    let username = input.signInName;
    if (this.usernameAttributes.length > 0) {
      attributes.set(this.aliasAttributeFor(input.signInName), input.signInName);
      username = sub;
    }
    if (this.findUser(input.signInName)) {
      throw new UsernameExistsException(
        existsMessage ?? (this.usernameAttributes.includes('email') ? 'An account with the given email already exists.' : 'User already exists'),
      );
    }
    const user: StoredUser = {
      username,
      sub,
      attributes,
      status: input.status,
      enabled: true,
      createdAt: now,
      updatedAt: now,
      password: createPasswordVerifier(this.srpName, username, input.password),
      ...(input.temporaryPasswordExpiresAt ? { temporaryPasswordExpiresAt: input.temporaryPasswordExpiresAt } : {}),
      groups: new Set(),
    };
    this.users.set(username.toLowerCase(), user);
    return user;
  }

  /** Puts back a user saved by an earlier run (`--data-dir`), as it was. */
  restoreUser(user: StoredUser): void {
    this.users.set(user.username.toLowerCase(), user);
  }

  deleteUser(user: StoredUser): void {
    this.users.delete(user.username.toLowerCase());
  }

  /** Replaces the user's password verifier; the caller has checked the policy. */
  setPassword(user: StoredUser, password: string, now: Date): void {
    user.password = createPasswordVerifier(this.srpName, user.username, password);
    user.updatedAt = now;
  }

  passwordMatches(user: StoredUser, password: string): boolean {
    return passwordMatches(user.password, this.srpName, user.username, password);
  }

  requireGroup(name: string): StoredGroup {
    const group = this.groups.get(name);
    if (!group) throw new ResourceNotFoundException('Group not found.');
    return group;
  }

  /** The user's groups, lowest precedence first, groups without precedence last, then by name. */
  groupsOf(user: StoredUser): StoredGroup[] {
    return [...user.groups]
      .map((name) => this.groups.get(name))
      .filter((g): g is StoredGroup => g !== undefined)
      .sort((a, b) => (a.precedence ?? Infinity) - (b.precedence ?? Infinity) || compareStrings(a.name, b.name));
  }

  snapshot(user: StoredUser): UserSnapshot {
    return {
      username: user.username,
      sub: user.sub,
      status: user.status,
      enabled: user.enabled,
      attributes: Object.fromEntries(user.attributes),
      groups: this.groupsOf(user).map((g) => g.name),
    };
  }

  private aliasAttributeFor(signInName: string): UsernameAttribute {
    const attribute = signInAttributeFor(this.usernameAttributes, signInName);
    if (attribute) return attribute;
    const allowsEmail = this.usernameAttributes.includes('email');
    const allowsPhone = this.usernameAttributes.includes('phone_number');
    throw new InvalidParameterException(
      allowsEmail && allowsPhone ? 'Username should be either an email or a phone number.'
        : allowsEmail ? 'Username should be an email.' : 'Username should be a phone number.',
    );
  }

  private findByAttribute(attribute: UsernameAttribute, value: string): StoredUser | undefined {
    const wanted = value.toLowerCase();
    for (const user of this.users.values()) if (user.attributes.get(attribute)?.toLowerCase() === wanted) return user;
    return undefined;
  }
}

/** SRP state between InitiateAuth (USER_SRP_AUTH) and RespondToAuthChallenge (PASSWORD_VERIFIER). */
export interface SrpSession {
  poolId: string;
  clientId: string;
  sub: string;
  A: bigint;
  B: bigint;
  b: bigint;
  expiresAt: Date;
}

/** A pending challenge (NEW_PASSWORD_REQUIRED) keyed by the `Session` string sent to the client. */
export interface ChallengeSession {
  challengeName: 'NEW_PASSWORD_REQUIRED';
  poolId: string;
  clientId: string;
  sub: string;
  expiresAt: Date;
}

/** One sign-in: its refresh token and the ids every token from it carries. */
export interface RefreshTokenRecord {
  token: string;
  poolId: string;
  clientId: string;
  sub: string;
  originJti: string;
  eventId: string;
  authTime: Date;
  expiresAt: Date;
  revoked: boolean;
}

const CONFIRMATION_CODE_VALIDITY_MS = 24 * 60 * 60 * 1000;
/** Tokens minted from a refresh token outlive it by at most their own validity. */
const LAST_TOKEN_VALIDITY_MS = TOKEN_VALIDITY_SECONDS * 1000;
const MIN_REFRESH_SWEEP = 256;

export interface IssuedConfirmationCode {
  userPoolId: string;
  /** What the user signs in with: the email or phone in alias pools, else the username. */
  signInName: string;
  code: string;
  expiresAt: Date;
}

export class UserPoolStore {
  private readonly pools = new Map<string, UserPool>();
  private readonly clientPools = new Map<string, UserPool>();
  private readonly srpSessions = new Map<string, SrpSession>();
  private readonly challengeSessions = new Map<string, ChallengeSession>();
  private readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  private readonly revokedOriginJtis = new Set<string>();
  private refreshSweepAt = MIN_REFRESH_SWEEP;

  private readonly codeListeners = new Set<(issued: IssuedConfirmationCode) => void>();

  constructor(private readonly clock: Clock = systemClock) {}

  /** Called with each sign-up confirmation code issued (no email is sent: `ase up` prints them). Returns an unsubscribe. */
  onConfirmationCode(listener: (issued: IssuedConfirmationCode) => void): () => void {
    this.codeListeners.add(listener);
    return () => this.codeListeners.delete(listener);
  }

  /**
   * Creates a pool from config: its app clients, groups, and users (CONFIRMED, with permanent
   * passwords that must meet the pool's policy; `email_verified` true when an email is given).
   */
  loadPool(config: UserPoolConfig, region: string): UserPool {
    if (!POOL_ID.test(config.id)) throw new Error(`User pool id "${config.id}" must look like <region>_<id>`);
    if (this.pools.has(config.id)) throw new Error(`User pool ${config.id} is already loaded`);
    const clash = config.clientIds.find((id) => this.clientPools.has(id));
    if (clash) throw new Error(`App client ${clash} already belongs to user pool ${this.clientPools.get(clash)!.id}`);

    const now = this.clock.now();
    const pool = new UserPool(
      config.id, region, new Set(config.clientIds), config.usernameAttributes ?? [],
      config.passwordPolicy ?? DEFAULT_PASSWORD_POLICY, config.name ?? config.id,
    );
    for (const group of config.groups) {
      pool.groups.set(group.name, { ...group, createdAt: now, updatedAt: now });
    }
    for (const seed of config.users) checkSeed(pool, seed);
    for (const seed of config.users) createSeededUser(pool, seed, now);
    this.pools.set(pool.id, pool);
    for (const clientId of pool.clientIds) this.clientPools.set(clientId, pool);
    return pool;
  }

  /**
   * Brings a loaded pool's users from `previous` to `users` (both as configs give them): a user
   * whose seed is unchanged is kept as it is (sub, identity, sign-ins and refresh tokens); one
   * whose seed changed is deleted, its sign-ins revoked, and created anew; users no longer given
   * are deleted; new ones created. Every seed is checked first, so a bad one changes nothing.
   * Returns the usernames kept.
   */
  reseedUsers(poolId: string, previous: readonly UserConfig[], users: readonly UserConfig[]): string[] {
    const pool = this.requirePool(poolId);
    for (const seed of users) checkSeed(pool, seed);
    const now = this.clock.now();
    const before = new Map(previous.map((seed) => [seed.username.toLowerCase(), seedKey(seed)]));
    const kept = new Set(users.filter((seed) => before.get(seed.username.toLowerCase()) === seedKey(seed)).map((seed) => seed.username.toLowerCase()));
    for (const seed of previous) {
      if (kept.has(seed.username.toLowerCase())) continue;
      const user = pool.findUser(seed.username);
      if (!user) continue;
      this.revokeUserTokens(pool.id, user.sub);
      pool.deleteUser(user);
    }
    for (const seed of users) if (!kept.has(seed.username.toLowerCase()) && !pool.findUser(seed.username)) createSeededUser(pool, seed, now);
    return users.filter((seed) => kept.has(seed.username.toLowerCase()) && pool.findUser(seed.username)).map((seed) => seed.username);
  }

  /** Forgets a pool, its clients and every session or token issued for it. */
  removePool(id: string): boolean {
    const pool = this.pools.get(id);
    if (!pool) return false;
    this.pools.delete(id);
    for (const clientId of pool.clientIds) this.clientPools.delete(clientId);
    for (const sessions of [this.srpSessions, this.challengeSessions, this.refreshTokens]) {
      for (const [key, session] of sessions) if (session.poolId === id) sessions.delete(key);
    }
    return true;
  }

  findPool(id: string): UserPool | undefined {
    return this.pools.get(id);
  }

  /** Throws ResourceNotFoundException as Cognito words it. */
  requirePool(id: string): UserPool {
    const pool = this.pools.get(id);
    if (!pool) throw new ResourceNotFoundException(`User pool ${id} does not exist.`);
    return pool;
  }

  /** The pool an app client belongs to; throws ResourceNotFoundException as Cognito words it. */
  requirePoolForClient(clientId: string): UserPool {
    const pool = this.clientPools.get(clientId);
    if (!pool) throw new ResourceNotFoundException(`User pool client ${clientId} does not exist.`);
    return pool;
  }

  /**
   * A copy of a user, by username or (in email-as-username pools) email. Throws
   * ResourceNotFoundException / UserNotFoundException when the pool or user does not exist.
   */
  getUser(poolId: string, username: string): UserSnapshot {
    const pool = this.requirePool(poolId);
    return pool.snapshot(pool.requireUser(username));
  }

  /** Issues a fresh 6-digit sign-up confirmation code (valid 24 h) for the user. */
  issueConfirmationCode(user: StoredUser): string {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    user.confirmationCode = { code, expiresAt: new Date(this.clock.now().getTime() + CONFIRMATION_CODE_VALIDITY_MS) };
    if (this.codeListeners.size > 0) {
      const poolId = [...this.pools.values()].find((p) => p.findUserBySub(user.sub) === user)?.id ?? '';
      const signInName = user.attributes.get('email') ?? user.attributes.get('phone_number') ?? user.username;
      for (const listener of this.codeListeners) listener({ userPoolId: poolId, signInName, code, expiresAt: user.confirmationCode.expiresAt });
    }
    return code;
  }

  /** The pending sign-up confirmation code, for tests and the harness (no email is sent). */
  getConfirmationCode(poolId: string, username: string): string | undefined {
    return this.pools.get(poolId)?.findUser(username)?.confirmationCode?.code;
  }

  saveSrpSession(secretBlock: string, session: SrpSession): void {
    this.pruneExpired(this.srpSessions);
    this.srpSessions.set(secretBlock, session);
  }

  /** Returns and forgets the SRP session (each SECRET_BLOCK answers one challenge). */
  takeSrpSession(secretBlock: string): SrpSession | undefined {
    const session = this.srpSessions.get(secretBlock);
    this.srpSessions.delete(secretBlock);
    return session;
  }

  saveChallengeSession(id: string, session: ChallengeSession): void {
    this.pruneExpired(this.challengeSessions);
    this.challengeSessions.set(id, session);
  }

  findChallengeSession(id: string): ChallengeSession | undefined {
    return this.challengeSessions.get(id);
  }

  deleteChallengeSession(id: string): void {
    this.challengeSessions.delete(id);
  }

  saveRefreshToken(record: RefreshTokenRecord): void {
    if (this.refreshTokens.size >= this.refreshSweepAt) {
      this.forgetFinishedSignIns();
      this.refreshSweepAt = Math.max(MIN_REFRESH_SWEEP, this.refreshTokens.size * 2);
    }
    this.refreshTokens.set(record.token, record);
  }

  /**
   * Forgets sign-ins that can no longer produce a valid token: the refresh token has expired and so
   * has the last access or ID token it could have minted. Their revocation marks go with them. Runs
   * when the table has doubled since the last sweep, so a long-lived stack stays bounded.
   */
  forgetFinishedSignIns(): void {
    const cutoff = this.clock.now().getTime() - LAST_TOKEN_VALIDITY_MS;
    for (const [key, record] of this.refreshTokens) {
      if (record.expiresAt.getTime() <= cutoff) {
        this.refreshTokens.delete(key);
        this.revokedOriginJtis.delete(record.originJti);
      }
    }
  }

  /** Sign-ins remembered (refresh tokens, live or revoked). */
  get signInCount(): number {
    return this.refreshTokens.size;
  }

  /** The sign-ins of one pool that can still produce a valid token (`--data-dir` keeps them). */
  listSignIns(poolId: string): RefreshTokenRecord[] {
    const cutoff = this.clock.now().getTime() - LAST_TOKEN_VALIDITY_MS;
    return [...this.refreshTokens.values()].filter((r) => r.poolId === poolId && r.expiresAt.getTime() > cutoff);
  }

  /** Puts back a sign-in saved by an earlier run (revoked ones stay revoked). */
  restoreSignIn(record: RefreshTokenRecord): void {
    this.saveRefreshToken(record);
    if (record.revoked) this.revokedOriginJtis.add(record.originJti);
  }

  findRefreshToken(token: string): RefreshTokenRecord | undefined {
    return this.refreshTokens.get(token);
  }

  /** Revokes a refresh token and every access/ID token issued from the same sign-in. */
  revokeRefreshToken(record: RefreshTokenRecord): void {
    record.revoked = true;
    this.revokedOriginJtis.add(record.originJti);
  }

  /** Revokes every sign-in of one user (GlobalSignOut, AdminDeleteUser). */
  revokeUserTokens(poolId: string, sub: string): void {
    for (const record of this.refreshTokens.values()) {
      if (record.poolId === poolId && record.sub === sub) this.revokeRefreshToken(record);
    }
  }

  isRevoked(originJti: string): boolean {
    return this.revokedOriginJtis.has(originJti);
  }

  private pruneExpired(sessions: Map<string, { expiresAt: Date }>): void {
    const now = this.clock.now().getTime();
    for (const [key, session] of sessions) if (session.expiresAt.getTime() <= now) sessions.delete(key);
  }
}

/** Throws what loading this seed user into the pool would refuse (password policy, attribute names, groups). */
function checkSeed(pool: UserPool, seed: UserConfig): void {
  const violation = passwordPolicyViolation(seed.password, pool.passwordPolicy);
  if (violation) throw new Error(`User pool ${pool.id}, user ${seed.username}: ${violation}`);
  const badName = Object.keys(seed.attributes ?? {}).map(attributeNameProblem).find((p) => p !== undefined);
  if (badName) throw new Error(`User pool ${pool.id}, user ${seed.username}: attribute ${badName} Use a standard attribute or custom:<name>.`);
  for (const groupName of seed.groups ?? []) {
    if (!pool.groups.has(groupName)) throw new Error(`User pool ${pool.id}, user ${seed.username}: unknown group ${groupName}`);
  }
}

/** A seed user, CONFIRMED with its permanent password (`email_verified` when it has an email). */
function createSeededUser(pool: UserPool, seed: UserConfig, now: Date): StoredUser {
  const attributes = new Map(Object.entries(seed.attributes ?? {}));
  if (seed.email) attributes.set('email', seed.email).set('email_verified', 'true');
  if (!seed.email && signInAttributeFor(pool.usernameAttributes, seed.username) === 'email') {
    attributes.set('email_verified', 'true');
  }
  const user = pool.createUser({ signInName: seed.username, password: seed.password, attributes, status: 'CONFIRMED' }, now);
  for (const groupName of seed.groups ?? []) user.groups.add(groupName);
  return user;
}

/** Everything about a seed user that its sign-in depends on, as one comparable string. */
function seedKey(seed: UserConfig): string {
  const attributes = Object.entries(seed.attributes ?? {}).sort(([a], [b]) => compareStrings(a, b));
  return JSON.stringify([seed.username, seed.password, seed.email ?? null, [...(seed.groups ?? [])], attributes]);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

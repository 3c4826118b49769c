import type { ListUsersCommandInput, ListUsersCommandOutput } from '@aws-sdk/client-cognito-identity-provider';
import type { Operation, Wire } from '../aws/types.js';
import { userType } from './attributes.js';
import { InvalidParameterException, missingMember } from './errors.js';
import type { CognitoIdpDeps } from './deps.js';
import type { StoredUser } from './store.js';

const MAX_LIMIT = 60;

/** The attributes Cognito lets ListUsers filter on, and how each reads off a user. */
const SEARCHABLE: Record<string, (user: StoredUser) => string | undefined> = {
  username: (u) => u.username,
  sub: (u) => u.sub,
  'cognito:user_status': (u) => u.status,
  status: (u) => (u.enabled ? 'Enabled' : 'Disabled'),
  ...Object.fromEntries(
    ['email', 'phone_number', 'name', 'given_name', 'family_name', 'preferred_username']
      .map((name) => [name, (u: StoredUser) => u.attributes.get(name)]),
  ),
};

export interface UserFilter {
  attribute: string;
  /** `=` exact match, `^=` prefix match. */
  operator: '=' | '^=';
  value: string;
}

const FILTER = /^\s*"?([a-z_:]+)"?\s*(=|\^=)\s*"((?:[^"\\]|\\.)*)"\s*$/;

/** Parses `attr = "value"` / `attr ^= "value"` (ListUsers' Filter); undefined for an empty filter. */
export function parseUserFilter(filter: string | undefined): UserFilter | undefined {
  if (!filter?.trim()) return undefined;
  const match = FILTER.exec(filter);
  if (!match) throw new InvalidParameterException('Error while parsing filter.');
  const [, attribute = '', operator, value = ''] = match;
  if (!Object.hasOwn(SEARCHABLE, attribute)) throw new InvalidParameterException(`Invalid search attribute: ${attribute}`);
  return { attribute, operator: operator as UserFilter['operator'], value: value.replace(/\\(.)/g, '$1') };
}

/** Usernames compare case-insensitively (as sign-in does); every other attribute exactly. */
export function matchesFilter(user: StoredUser, filter: UserFilter): boolean {
  const fold = (s: string): string => (filter.attribute === 'username' ? s.toLowerCase() : s);
  const actual = SEARCHABLE[filter.attribute]!(user);
  if (actual === undefined) return false;
  return filter.operator === '=' ? fold(actual) === fold(filter.value) : fold(actual).startsWith(fold(filter.value));
}

const encodeToken = (username: string): string => Buffer.from(JSON.stringify({ after: username })).toString('base64url');

function decodeToken(token: string): string {
  try {
    const { after } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof after === 'string') return after;
  } catch {
    // fall through
  }
  throw new InvalidParameterException('Invalid pagination token.');
}

/** ListUsers: users ordered by username, with Filter, Limit (≤ 60), PaginationToken and AttributesToGet. */
export const listUsers = (
  deps: Pick<CognitoIdpDeps, 'store'>,
): Operation<ListUsersCommandInput, Wire<ListUsersCommandOutput>> => async (input) => {
  if (!input.UserPoolId) throw missingMember('userPoolId');
  const pool = deps.store.requirePool(input.UserPoolId);
  if (input.Limit !== undefined && (!Number.isInteger(input.Limit) || input.Limit < 0 || input.Limit > MAX_LIMIT)) {
    throw new InvalidParameterException(
      `1 validation error detected: Value '${input.Limit}' at 'limit' failed to satisfy constraint: Member must have value less than or equal to ${MAX_LIMIT}`,
    );
  }
  const limit = input.Limit || MAX_LIMIT;
  const filter = parseUserFilter(input.Filter);
  const after = input.PaginationToken ? decodeToken(input.PaginationToken) : undefined;

  const matching = pool.listUsers().filter((u) => (after === undefined || u.username > after) && (!filter || matchesFilter(u, filter)));
  const page = matching.slice(0, limit);
  const last = page[page.length - 1];
  return {
    Users: page.map((u) => userType(u, input.AttributesToGet)),
    ...(matching.length > limit && last ? { PaginationToken: encodeToken(last.username) } : {}),
  };
};

import type { PlaceholderValues } from '../scenario/placeholders.js';

/** Who the scenario's users are, once signed in: identity IDs and user-pool subs, by user name. */
export interface SignedInUsers {
  identities: Record<string, string>;
  subs: Record<string, string>;
}

/** Placeholder values from signed-in users; `{identity}` is the acting user's own identity ID. */
export function placeholderContext(users: SignedInUsers, who: string | undefined): PlaceholderValues {
  const identity = who ? users.identities[who] : undefined;
  const lookup = (table: Record<string, string>, what: string) => (user: string) => {
    const value = table[user];
    if (!value) throw new Error(`no ${what} for user ${user}: did they sign in?`);
    return value;
  };
  return {
    ...(identity ? { identity } : {}),
    identityOf: lookup(users.identities, 'identity ID'),
    subOf: lookup(users.subs, 'user-pool sub'),
  };
}

import type { IamPolicyDocument, IamStatement, OneOrMany } from '../policy/types.js';

/**
 * A role's trust policy (AssumeRolePolicyDocument) for Cognito-federated identities, as STS
 * evaluates it when an identity assumes the role (directly in the classic flow, on Cognito's
 * behalf in the enhanced flow). Only what such a trust policy can test is evaluated: the
 * principal `Federated: cognito-identity.amazonaws.com`, the action `sts:AssumeRoleWithWebIdentity`,
 * and String conditions on `cognito-identity.amazonaws.com:aud`, `:sub` and `:amr`. Anything
 * else in a condition fails closed (an Allow does not apply; a Deny does).
 */

export const COGNITO_FEDERATED_PRINCIPAL = 'cognito-identity.amazonaws.com';

/** The issuer of Cognito identity OpenID tokens (the classic flow's web identity). */
export const COGNITO_IDENTITY_ISSUER = `https://${COGNITO_FEDERATED_PRINCIPAL}`;

/** What the web identity says about itself: the values trust conditions test. */
export interface WebIdentityClaims {
  /** The identity pool ID. */
  aud: string;
  /** The identity ID. */
  sub: string;
  /** `authenticated` + providers, or `unauthenticated`. */
  amr: string[];
}

/** The trust policy Amplify Gen2 (auth-construct) writes on every role of an identity pool. */
export function amplifyTrustPolicy(identityPoolId: string, kind: 'guest' | 'authenticated'): IamPolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [{
      Effect: 'Allow',
      Principal: { Federated: COGNITO_FEDERATED_PRINCIPAL },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: { 'cognito-identity.amazonaws.com:aud': identityPoolId },
        'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': kind === 'guest' ? 'unauthenticated' : 'authenticated' },
      },
    }],
  };
}

const list = <T>(v: OneOrMany<T> | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** IAM's `StringLike`: `*` any run of characters, `?` one character, case-sensitive. */
function like(pattern: string, value: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 's').test(value);
}

const MATCHERS: Record<string, (pattern: string, value: string) => boolean> = {
  StringEquals: (p, v) => p === v,
  StringNotEquals: (p, v) => p !== v,
  StringLike: like,
  StringNotLike: (p, v) => !like(p, v),
};

/** One operator block entry; undefined when the operator or key is one this evaluator cannot decide. */
function conditionHolds(operator: string, key: string, expected: OneOrMany<string | number | boolean>, claims: WebIdentityClaims): boolean | undefined {
  const [qualifier, base] = operator.includes(':') ? operator.split(':', 2) as [string, string] : [undefined, operator];
  const match = MATCHERS[base];
  const name = key.toLowerCase();
  if (!match || !name.startsWith(`${COGNITO_FEDERATED_PRINCIPAL}:`)) return undefined;
  const field = name.slice(COGNITO_FEDERATED_PRINCIPAL.length + 1);
  const values = field === 'aud' ? [claims.aud] : field === 'sub' ? [claims.sub] : field === 'amr' ? claims.amr : undefined;
  if (!values) return undefined;
  const patterns = list(expected).map(String);
  const negated = base.includes('Not');
  // A negated operator holds when the value matches none of the patterns; a positive one when any.
  const test = (value: string) => (negated ? patterns.every((p) => match(p, value)) : patterns.some((p) => match(p, value)));
  if (qualifier === 'ForAnyValue') return values.some(test);
  if (qualifier === 'ForAllValues') return values.every(test);
  if (qualifier !== undefined) return undefined;
  return values.length === 1 ? test(values[0]!) : undefined; // a multi-valued key needs a set operator
}

function statementApplies(statement: IamStatement, claims: WebIdentityClaims): boolean {
  const federated = typeof statement.Principal === 'object' ? list(statement.Principal.Federated) : statement.Principal === '*' ? ['*'] : [];
  if (!federated.some((p) => p === '*' || p === COGNITO_FEDERATED_PRINCIPAL)) return false;
  const actions = list(statement.Action).map((a) => a.toLowerCase());
  if (!actions.some((a) => a === '*' || a === 'sts:*' || a === 'sts:assumerolewithwebidentity')) return false;
  for (const [operator, entries] of Object.entries(statement.Condition ?? {})) {
    for (const [key, expected] of Object.entries(entries)) {
      const holds = conditionHolds(operator, key, expected, claims);
      if (holds === undefined) return statement.Effect === 'Deny'; // fail closed
      if (!holds) return false;
    }
  }
  return true;
}

/** True when the trust policy lets this web identity assume the role (an explicit Deny wins). */
export function trustAllows(policy: IamPolicyDocument, claims: WebIdentityClaims): boolean {
  const statements = list(policy.Statement);
  const applying = statements.filter((s) => statementApplies(s, claims));
  return applying.some((s) => s.Effect === 'Allow') && !applying.some((s) => s.Effect === 'Deny');
}

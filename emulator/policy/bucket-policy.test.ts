import { describe, expect, it } from 'vitest';
import { combineSameAccount, crossAccountSessionPolicy, statementsForRole as pick, type RoleSessionRef } from './bucket-policy.js';
import { formatDecision } from './compile/index.js';
import type { IamPolicyDocument, IamStatement } from './types.js';
import { PolicyValidationError } from './validate-iam.js';

const ROLE = 'arn:aws:iam::111122223333:role/amplify-auth';
const SESSION = 'arn:aws:sts::111122223333:assumed-role/amplify-auth/CognitoIdentityCredentials';
const same: RoleSessionRef = { roleArn: ROLE, accountId: '111122223333', bucketAccountId: '111122223333', bucketName: 'b' };
const cross: RoleSessionRef = { ...same, bucketAccountId: '444455556666' };
/** The picked statements, with the decisions as lines. */
const statementsForRole = (...args: Parameters<typeof pick>) => {
  const { decisions, ...rest } = pick(...args);
  return { ...rest, warnings: decisions.map(formatDecision) };
};
const policy = (...statements: IamStatement[]): IamPolicyDocument => ({ Version: '2012-10-17', Statement: statements });
const get = (principal: IamStatement['Principal'], effect: 'Allow' | 'Deny' = 'Allow'): IamStatement =>
  ({ Effect: effect, Principal: principal, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' });

describe('statementsForRole', () => {
  it("picks the docs page's statement (Principal = the role ARN) and strips the Principal", () => {
    const docsPolicy = policy({
      Sid: 'Statement1',
      Effect: 'Allow',
      Principal: { AWS: ROLE },
      Action: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject', 's3:ListBucket'],
      Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'],
    });
    expect(statementsForRole(docsPolicy, same)).toStrictEqual({
      statements: [{
        Sid: 'Statement1',
        Effect: 'Allow',
        Action: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject', 's3:ListBucket'],
        Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'],
      }],
      indexes: [0],
      warnings: [],
    });
  });

  it('matches "*", {"AWS": "*"}, the role ARN and the Cognito session ARN, not other principals', () => {
    const p = policy(
      get('*'),
      get({ AWS: '*' }),
      get({ AWS: [SESSION] }),
      get({ AWS: 'arn:aws:iam::111122223333:role/other' }),
      get({ Service: 'cloudfront.amazonaws.com' }),
      get({ AWS: ROLE }),
    );
    expect(statementsForRole(p, same).indexes).toStrictEqual([0, 1, 2, 5]);
  });

  it('account root: same account, only a Deny applies (an Allow delegates to IAM); cross account, both apply', () => {
    const p = policy(
      get({ AWS: 'arn:aws:iam::111122223333:root' }),
      get({ AWS: '111122223333' }, 'Deny'),
      get({ AWS: 'arn:aws:iam::999999999999:root' }),
    );
    expect(statementsForRole(p, same)).toStrictEqual({
      statements: [{ Effect: 'Deny', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }],
      indexes: [1],
      warnings: ["bucket policy of b Statement[0]: an Allow to account 111122223333 delegates to IAM in the same account: the role's own policy decides, so it grants nothing by itself"],
    });
    expect(statementsForRole(p, cross).indexes).toStrictEqual([0, 1]);
  });

  it('a wildcard inside a principal ARN is refused, as AWS refuses it when the policy is saved', () => {
    const p = policy(get({ AWS: 'arn:aws:sts::111122223333:assumed-role/amplify-auth/*' }));
    expect(() => statementsForRole(p, same)).toThrow(
      'Invalid IAM policy:\n  - bucket policy of b: Statement[0] Principal.AWS[0]: "arn:aws:sts::111122223333:assumed-role/amplify-auth/*": AWS principals cannot hold wildcards (only "*" alone); name the role or session exactly',
    );
  });

  it('NotPrincipal: a Deny exempts the role only when the session, the role and the account are all listed', () => {
    const deny = (ids: string[]): IamStatement => ({ Effect: 'Deny', NotPrincipal: { AWS: ids }, Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::b/*' });
    const p = policy(deny([ROLE]), deny([SESSION, ROLE, 'arn:aws:iam::111122223333:root']));
    const result = statementsForRole(p, same);
    expect(result.indexes).toStrictEqual([0]);
    expect(result.statements).toStrictEqual([{ Effect: 'Deny', Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::b/*' }]);
    expect(result.warnings).toStrictEqual([
      `bucket policy of b Statement[0]: Deny with NotPrincipal applies to this role: to exempt it, NotPrincipal must list ${SESSION}, ${ROLE} and the account`,
    ]);
  });

  it('NotPrincipal: an Allow applies only when it does not name this role in any form', () => {
    const allow = (ids: string[]): IamStatement => ({ Effect: 'Allow', NotPrincipal: { AWS: ids }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' });
    const p = policy(allow(['arn:aws:iam::999999999999:root']), allow(['111122223333']));
    expect(statementsForRole(p, same).indexes).toStrictEqual([0]);
  });

  it('refuses resources outside the bucket, as AWS refuses the bucket policy', () => {
    const p = policy({ Sid: 'Wide', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: ['arn:aws:s3:::b/*', 'arn:aws:s3:::other/*', 'arn:aws:s3:::bb'] });
    expect(() => statementsForRole(p, same)).toThrow(
      'Invalid IAM policy:\n'
      + '  - bucket policy of b: Statement[0] (Sid "Wide") Resource[1]: "arn:aws:s3:::other/*" is not in bucket b; a bucket policy may name only arn:aws:s3:::b and arn:aws:s3:::b/<key pattern>\n'
      + '  - bucket policy of b: Statement[0] (Sid "Wide") Resource[2]: "arn:aws:s3:::bb" is not in bucket b; a bucket policy may name only arn:aws:s3:::b and arn:aws:s3:::b/<key pattern>',
    );
  });
});

describe('combineSameAccount', () => {
  it('one document: role statements, then the bucket statements (either may allow, any Deny wins)', () => {
    const role = policy({ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::b/public/*'] });
    const bucket: IamStatement[] = [{ Effect: 'Deny', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::b/public/secret/*'] }];
    expect(combineSameAccount(role, bucket)).toStrictEqual(policy(
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::b/public/*'] },
      { Effect: 'Deny', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::b/public/secret/*'] },
    ));
  });
});

describe('crossAccountSessionPolicy', () => {
  it('the cross-account bucket statements, plus everything on every other bucket', () => {
    const partner: IamStatement[] = [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::partner/uploads/*'] }];
    expect(crossAccountSessionPolicy({ partner }, ['mine', 'logs'])).toStrictEqual(policy(
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::partner/uploads/*'] },
      {
        Sid: 'OtherBucketsFollowTheRolePolicy',
        Effect: 'Allow',
        Action: ['s3:*'],
        Resource: ['arn:aws:s3:::mine', 'arn:aws:s3:::mine/*', 'arn:aws:s3:::logs', 'arn:aws:s3:::logs/*'],
      },
      { Sid: 'ListAllMyBucketsFollowsTheRolePolicy', Effect: 'Allow', Action: ['s3:ListAllMyBuckets'], Resource: ['*'] },
    ));
  });

  it('a cross-account bucket with no statements for the role: nothing there is allowed', () => {
    expect(crossAccountSessionPolicy({ partner: [] }, [])).toStrictEqual(policy(
      { Sid: 'ListAllMyBucketsFollowsTheRolePolicy', Effect: 'Allow', Action: ['s3:ListAllMyBuckets'], Resource: ['*'] },
    ));
  });
});

import { describe, expect, it } from 'vitest';
import { parseOperator } from './aws-model.js';
import { compileForMinio, evaluateStatically, formatDecision, type CompileOptions } from './compile/index.js';
import type { IamStatement } from './types.js';

const SUB = '${cognito-identity.amazonaws.com:sub}';
/** The compiled policy and two views of the decision log (the log itself is checked below). */
const compile = (statements: IamStatement[], options: Partial<CompileOptions> = {}) => {
  const { decisions: _log, ...result } = compileForMinio({ Version: '2012-10-17', Statement: statements }, { source: 'auth.json', ...options });
  return result;
};
const doc = (...statements: IamStatement[]) => ({ Version: '2012-10-17', Statement: statements });
const VERSIONED = { StringNotEquals: { 's3:versionid': [''] } };
/** s3:GetObject applies to requests without a version ID only (MinIO checks it for both). */
const UNVERSIONED = { StringEquals: { 's3:versionid': [''] } };

/** The object-level actions AWS and MinIO both know, in the compiler's order. */
const OBJECT_ACTIONS = [
  's3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts',
  's3:GetObjectAttributes', 's3:GetObjectVersion', 's3:GetObjectVersionAttributes', 's3:DeleteObjectVersion',
  's3:GetObjectTagging', 's3:PutObjectTagging', 's3:DeleteObjectTagging', 's3:GetObjectVersionTagging',
  's3:PutObjectVersionTagging', 's3:DeleteObjectVersionTagging', 's3:GetObjectRetention', 's3:PutObjectRetention',
  's3:GetObjectLegalHold', 's3:PutObjectLegalHold', 's3:BypassGovernanceRetention', 's3:RestoreObject',
  's3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags', 's3:GetObjectVersionForReplication',
];
const BUCKET_ACTIONS = [
  's3:ListBucket', 's3:ListBucketVersions', 's3:ListBucketMultipartUploads', 's3:GetBucketLocation', 's3:CreateBucket',
  's3:DeleteBucket', 's3:GetBucketPolicy', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy', 's3:GetBucketPolicyStatus',
  's3:GetBucketNotification', 's3:PutBucketNotification', 's3:GetBucketCors', 's3:PutBucketCors',
  's3:GetLifecycleConfiguration', 's3:PutLifecycleConfiguration', 's3:GetBucketObjectLockConfiguration',
  's3:PutBucketObjectLockConfiguration', 's3:GetBucketTagging', 's3:PutBucketTagging', 's3:GetEncryptionConfiguration',
  's3:PutEncryptionConfiguration', 's3:GetBucketVersioning', 's3:PutBucketVersioning', 's3:GetReplicationConfiguration',
  's3:PutReplicationConfiguration',
];
const without = (list: string[], ...names: string[]) => list.filter((n) => !names.includes(n));

describe('compileForMinio: what Amplify generates passes through', () => {
  it('the Owners policy: lists, and ${cognito-identity.amazonaws.com:sub} → ${jwt:sub}', () => {
    const result = compile([
      { Effect: 'Allow', Action: 's3:GetObject', Resource: ['arn:aws:s3:::b/public/*', 'arn:aws:s3:::b/protected/*'] },
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b', Condition: { StringLike: { 's3:prefix': ['public/*', 'public/'] } } },
      { Effect: 'Allow', Action: 's3:PutObject', Resource: ['arn:aws:s3:::b/public/*', `arn:aws:s3:::b/protected/${SUB}/*`] },
      { Effect: 'Deny', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/public/members/*' },
    ]);
    expect(result).toStrictEqual({
      policy: doc(
        { Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::b/public/*', 'arn:aws:s3:::b/protected/*'], Condition: UNVERSIONED },
        { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::b'], Condition: { StringLike: { 's3:prefix': ['public/*', 'public/'] } } },
        { Effect: 'Allow', Action: ['s3:PutObject'], Resource: ['arn:aws:s3:::b/public/*', 'arn:aws:s3:::b/protected/${jwt:sub}/*'] },
        { Effect: 'Deny', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::b/public/members/*'], Condition: UNVERSIONED },
      ),
      warnings: [],
      dropped: [],
    });
  });
});

describe('compileForMinio: actions', () => {
  it('expands wildcards to the actions MinIO knows, spelled as MinIO spells them, split by level', () => {
    const result = compile([{ Sid: 'Tags', Effect: 'Allow', Action: ['S3:get*tagging', 's3:GETOBJECTTAGGING'], Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'] }]);
    expect(result).toStrictEqual({
      policy: doc(
        { Sid: 'Tags', Effect: 'Allow', Action: ['s3:GetObjectTagging', 's3:GetObjectVersionTagging'], Resource: ['arn:aws:s3:::b/*'] },
        { Sid: 'Tags', Effect: 'Allow', Action: ['s3:GetBucketTagging'], Resource: ['arn:aws:s3:::b'] },
      ),
      warnings: [],
      dropped: [],
    });
  });

  it('s3:* on a bucket and its objects', () => {
    const result = compile([{ Effect: 'Allow', Action: 's3:*', Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'] }]);
    expect(result.policy).toStrictEqual(doc(
      // s3:GetObject and s3:GetObjectVersion under the same conditions: every GET, versioned or not, so neither needs the versionid clause.
      { Effect: 'Allow', Action: OBJECT_ACTIONS, Resource: ['arn:aws:s3:::b/*'] },
      // MinIO checks s3:DeleteBucketCors where AWS checks s3:PutBucketCORS.
      { Effect: 'Allow', Action: [...BUCKET_ACTIONS, 's3:DeleteBucketCors'], Resource: ['arn:aws:s3:::b'] },
    ));
    expect(result.warnings).toStrictEqual(['auth.json Statement[0]: s3:ListAllMyBuckets on arn:aws:s3:::b never matches in AWS; use "*"', 'auth.json Statement[0]: s3:ListAllMyBuckets on arn:aws:s3:::b/* never matches in AWS; use "*"']);
  });

  it('s3:PutBucketCORS also grants what MinIO checks for DeleteBucketCors, as AWS authorises it', () => {
    const result = compile([{ Effect: 'Allow', Action: 's3:PutBucketCORS', Resource: 'arn:aws:s3:::b' }]);
    expect(result.policy).toStrictEqual(doc({ Effect: 'Allow', Action: ['s3:PutBucketCors', 's3:DeleteBucketCors'], Resource: ['arn:aws:s3:::b'] }));
  });

  it('NotAction becomes the explicit list of the other actions', () => {
    const result = compile([{ Effect: 'Deny', NotAction: ['s3:GetObject', 's3:List*'], Resource: '*' }]);
    expect(result.policy).toStrictEqual(doc(
      { Effect: 'Deny', Action: [...without(OBJECT_ACTIONS, 's3:GetObject', 's3:GetObjectVersion', 's3:ListMultipartUploadParts'), ...without(BUCKET_ACTIONS, 's3:ListBucket', 's3:ListBucketVersions', 's3:ListBucketMultipartUploads')], Resource: ['*'] },
      { Effect: 'Deny', Action: ['s3:GetObjectVersion'], Resource: ['*'], Condition: VERSIONED },
    ));
    expect(result.warnings).toStrictEqual(['auth.json Statement[0]: NotAction ["s3:GetObject","s3:List*"] expanded to the 46 S3 actions MinIO knows outside it']);
  });

  it('drops actions MinIO does not know, and a statement left with none', () => {
    const result = compile([
      { Effect: 'Allow', Action: ['s3:PutObject', 's3:PutObjectAcl', 'ec2:RunInstances', 's3:PutObjectFanOut'], Resource: 'arn:aws:s3:::b/*' },
      { Sid: 'Acl', Effect: 'Allow', Action: 's3:GetObjectAcl', Resource: 'arn:aws:s3:::b/*' },
    ]);
    expect(result).toStrictEqual({
      policy: doc({ Effect: 'Allow', Action: ['s3:PutObject'], Resource: ['arn:aws:s3:::b/*'] }),
      warnings: [
        'auth.json Statement[0]: action dropped: s3:PutObjectAcl is not an action MinIO knows (MinIO would reject the whole policy)',
        'auth.json Statement[0]: action dropped: ec2:RunInstances is not an S3 action; the emulator enforces S3 only',
        'auth.json Statement[0]: action dropped: s3:PutObjectFanOut is a MinIO extension, not an AWS action, so AWS never grants it',
        'auth.json Statement[1] (Sid "Acl"): action dropped: s3:GetObjectAcl is not an action MinIO knows (MinIO would reject the whole policy)',
        'auth.json Statement[1] (Sid "Acl"): statement dropped: no action in it exists in MinIO',
      ],
      dropped: [
        { source: 'auth.json', statementIndex: 0, kind: 'action', item: 's3:PutObjectAcl', reason: 's3:PutObjectAcl is not an action MinIO knows (MinIO would reject the whole policy)' },
        { source: 'auth.json', statementIndex: 0, kind: 'action', item: 'ec2:RunInstances', reason: 'ec2:RunInstances is not an S3 action; the emulator enforces S3 only' },
        { source: 'auth.json', statementIndex: 0, kind: 'action', item: 's3:PutObjectFanOut', reason: 's3:PutObjectFanOut is a MinIO extension, not an AWS action, so AWS never grants it' },
        { source: 'auth.json', statementIndex: 1, sid: 'Acl', kind: 'action', item: 's3:GetObjectAcl', reason: 's3:GetObjectAcl is not an action MinIO knows (MinIO would reject the whole policy)' },
        { source: 'auth.json', statementIndex: 1, sid: 'Acl', kind: 'statement', item: 'Statement[1]', reason: 'no action in it exists in MinIO' },
      ],
    });
  });
});

describe('compileForMinio: resources per action level', () => {
  it('s3:ListBucket on bucket/* never matches in AWS: dropped, not granted as MinIO would', () => {
    const result = compile([{ Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b/*', Condition: { StringLike: { 's3:prefix': 'public/*' } } }]);
    expect(result).toStrictEqual({
      policy: doc(),
      warnings: [
        'auth.json Statement[0]: s3:ListBucket on arn:aws:s3:::b/* never matches in AWS; use arn:aws:s3:::b',
        'auth.json Statement[0]: statement dropped: nothing in it can match in AWS or be expressed in MinIO',
      ],
      dropped: [
        { source: 'auth.json', statementIndex: 0, kind: 'resource', item: 'arn:aws:s3:::b/* for s3:ListBucket', reason: 's3:ListBucket on arn:aws:s3:::b/* never matches in AWS; use arn:aws:s3:::b' },
        { source: 'auth.json', statementIndex: 0, kind: 'statement', item: 'Statement[0]', reason: 'nothing in it can match in AWS or be expressed in MinIO' },
      ],
    });
  });

  it("the docs page's ListBucket on [bucket, bucket/*] keeps the bucket ARN", () => {
    const result = compile([{ Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'], Condition: { StringLike: { 's3:prefix': ['public/', 'public/*'] } } }]);
    expect(result.policy).toStrictEqual(doc(
      { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::b'], Condition: { StringLike: { 's3:prefix': ['public/', 'public/*'] } } },
    ));
    expect(result.warnings).toStrictEqual(['auth.json Statement[0]: s3:ListBucket on arn:aws:s3:::b/* never matches in AWS; use arn:aws:s3:::b']);
  });

  it('a statement mixing levels is split, each level with the resources it can match', () => {
    const result = compile([{ Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'] }]);
    expect(result).toStrictEqual({
      policy: doc(
        { Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::b/*'], Condition: UNVERSIONED },
        { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::b'] },
      ),
      warnings: [],
      dropped: [],
    });
  });

  it('object actions on a bucket ARN never match in AWS', () => {
    expect(compile([{ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:ListBucket'], Resource: 'arn:aws:s3:::b' }])).toStrictEqual({
      policy: doc({ Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::b'] }),
      warnings: ['auth.json Statement[0]: s3:GetObject, s3:PutObject on arn:aws:s3:::b never match in AWS; use arn:aws:s3:::b/*'],
      dropped: [{ source: 'auth.json', statementIndex: 0, kind: 'resource', item: 'arn:aws:s3:::b for s3:GetObject, s3:PutObject', reason: 's3:GetObject, s3:PutObject on arn:aws:s3:::b never match in AWS; use arn:aws:s3:::b/*' }],
    });
  });

  it('bucket patterns with an inner wildcard get a trailing slash (MinIO matches "bucket/")', () => {
    expect(compile([{ Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetObject'], Resource: ['arn:aws:s3:::team-*-data', 'arn:aws:s3:::b?', 'arn:aws:s3:::logs*', 'arn:aws:s3:::team-*-data/*'] }]).policy).toStrictEqual(doc(
      { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::team-*-data/', 'arn:aws:s3:::b?/', 'arn:aws:s3:::logs*'] },
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::team-*-data', 'arn:aws:s3:::b?', 'arn:aws:s3:::logs*', 'arn:aws:s3:::team-*-data/*'], Condition: UNVERSIONED },
    ));
  });

  it('ListAllMyBuckets needs "*"', () => {
    expect(compile([
      { Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' },
      { Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: 'arn:aws:s3:::*' },
    ]).policy).toStrictEqual(doc(
      { Effect: 'Allow', Action: ['s3:ListAllMyBuckets'], Resource: ['*'] },
      { Effect: 'Allow', Action: ['s3:ListAllMyBuckets'], Resource: ['arn:aws:s3:::*'] },
    ));
  });

  it('non-S3 ARNs never match an S3 request; wildcard region/account fields are read as empty', () => {
    const result = compile([{ Effect: 'Allow', Action: 's3:GetObject', Resource: ['arn:aws:s3:*:*:b/*', 'arn:aws:sqs:us-east-1:123456789012:q', 'arn:aws:s3:::/x'] }]);
    expect(result.policy).toStrictEqual(doc({ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::b/*'], Condition: UNVERSIONED }));
    expect(result.warnings).toStrictEqual([
      'auth.json Statement[0]: Resource arn:aws:sqs:us-east-1:123456789012:q dropped: not an S3 bucket or object ARN (arn:aws:s3:::...); the emulator serves S3 buckets only',
      'auth.json Statement[0]: Resource arn:aws:s3:::/x dropped: a bucket name cannot be empty or start with "/", so it never matches',
    ]);
  });

  it('NotResource is kept per level; entries that cannot match a level exclude nothing there', () => {
    expect(compile([
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], NotResource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/secret/*'] },
      { Effect: 'Deny', Action: 's3:ListBucket', NotResource: 'arn:aws:s3:::b/*' },
      { Effect: 'Deny', Action: 's3:GetObject', NotResource: '*' },
    ]).policy).toStrictEqual(doc(
      { Effect: 'Allow', Action: ['s3:GetObject'], NotResource: ['arn:aws:s3:::b/secret/*'], Condition: UNVERSIONED },
      { Effect: 'Allow', Action: ['s3:ListBucket'], NotResource: ['arn:aws:s3:::b'] },
      { Effect: 'Deny', Action: ['s3:ListBucket'], Resource: ['*'] },
    ));
  });
});

describe('compileForMinio: policy variables', () => {
  it('maps the identity ID to ${jwt:sub}, and decides the identity pool ID (aud) per role', () => {
    const statements: IamStatement[] = [
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b', Condition: { StringLike: { 's3:prefix': [`private/${SUB}/*`] }, StringEquals: { 'cognito-identity.amazonaws.com:aud': 'us-east-1:pool' } } },
      { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/${cognito-identity.amazonaws.com:aud}/*' },
    ];
    // In MinIO the JWT aud must be MinIO's own client ID, so aud cannot be left to MinIO: the
    // role's identity pool is known when compiling, and AWS's answer is computed there.
    expect(compile(statements, { staticContext: { 'cognito-identity.amazonaws.com:aud': 'us-east-1:pool' } }).policy).toStrictEqual(doc(
      { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::b'], Condition: { StringLike: { 's3:prefix': ['private/${jwt:sub}/*'] } } },
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::b/us-east-1:pool/*'], Condition: UNVERSIONED },
    ));
    // Another pool's roles: the condition is false, so that Allow grants nothing.
    expect(compile(statements, { staticContext: { 'cognito-identity.amazonaws.com:aud': 'us-east-1:other' } }).policy).toStrictEqual(doc(
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::b/us-east-1:other/*'], Condition: UNVERSIONED },
    ));
    // Unknown pool: nothing that depends on aud may be granted (fail closed).
    const unknown = compile(statements);
    expect(unknown.policy).toStrictEqual(doc());
    expect(unknown.warnings.length).toBeGreaterThan(0);
  });

  it('a variable AWS has no value for: the resource never matches (defaults are used)', () => {
    const result = compile([{ Effect: 'Allow', Action: 's3:GetObject', Resource: ['arn:aws:s3:::b/home/${aws:username}/*', "arn:aws:s3:::b/home/${aws:username, 'guest'}/*"] }]);
    expect(result.policy).toStrictEqual(doc({ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::b/home/guest/*'], Condition: UNVERSIONED }));
    expect(result.warnings).toStrictEqual(['auth.json Statement[0]: Resource arn:aws:s3:::b/home/${aws:username}/* dropped: ${aws:username} has no value for a role session, so AWS never matches it']);
  });

  it('a variable the emulator cannot supply: dropped from an Allow, widened in a Deny', () => {
    const result = compile([
      { Effect: 'Allow', Action: 's3:GetObject', Resource: ['arn:aws:s3:::b/${aws:userid}/*', 'arn:aws:s3:::b/x${*}/*'] },
      { Effect: 'Deny', Action: 's3:GetObject', Resource: ['arn:aws:s3:::b/${aws:userid}/*', 'arn:aws:s3:::b/x${*}/*'] },
    ]);
    expect(result.policy).toStrictEqual(doc({ Effect: 'Deny', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::b/*/*', 'arn:aws:s3:::b/x?/*'], Condition: UNVERSIONED }));
    expect(result.warnings).toStrictEqual([
      'auth.json Statement[0]: Resource arn:aws:s3:::b/${aws:userid}/* dropped: ${aws:userid} has a value in AWS that the emulator cannot supply (fail closed)',
      'auth.json Statement[0]: Resource arn:aws:s3:::b/x${*}/* dropped: ${*} is a literal "*", which a MinIO pattern cannot express (fail closed)',
      'auth.json Statement[0]: statement dropped: nothing in it can match in AWS or be expressed in MinIO',
      'auth.json Statement[1]: Resource arn:aws:s3:::b/${aws:userid}/* widened to arn:aws:s3:::b/*/* (fail closed): ${aws:userid} has a value in AWS that the emulator cannot supply',
      'auth.json Statement[1]: Resource arn:aws:s3:::b/x${*}/* widened to arn:aws:s3:::b/x?/* (fail closed): ${*} is a literal "*", which a MinIO pattern cannot express',
    ]);
  });

  it('policy version 2008-10-17 has no variables: "${...}" stays literal text, unless MinIO would substitute it', () => {
    // MinIO replaces only its own keys' variables (${jwt:sub}, ${aws:username}, ...) and leaves any
    // other "${...}" as text, which is what AWS does under 2008-10-17.
    const result = compileForMinio({ Version: '2008-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: [`arn:aws:s3:::b/${SUB}/*`, 'arn:aws:s3:::b/${jwt:sub}/*', 'arn:aws:s3:::b/p/*'] }] }, { source: 'old.json' });
    expect(result.policy).toStrictEqual(doc({ Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`arn:aws:s3:::b/${SUB}/*`, 'arn:aws:s3:::b/p/*'], Condition: UNVERSIONED }));
    expect(result.warnings).toStrictEqual([
      'old.json: Version is "2008-10-17", so AWS reads "${...}" literally (no policy variables); compiled as such',
      'old.json Statement[0]: Resource arn:aws:s3:::b/${jwt:sub}/* dropped: "arn:aws:s3:::b/${jwt:sub}/*" holds "${" text, which AWS takes literally under policy version 2008-10-17 but MinIO may substitute (fail closed)',
    ]);
  });
});

describe('compileForMinio: conditions', () => {
  it('a key AWS never sets for an action: a positive operator is false, so that action leaves the Allow', () => {
    const result = compile([{ Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'], Condition: { StringLike: { 's3:prefix': 'public/*' } } }]);
    expect(result.policy).toStrictEqual(doc(
      { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::b'], Condition: { StringLike: { 's3:prefix': ['public/*'] } } },
    ));
    expect(result.warnings).toStrictEqual([
      'auth.json Statement[0]: condition StringLike s3:prefix is never true here (AWS has no s3:prefix for s3:GetObject), so the Allow never applies (s3:GetObject)',
    ]);
  });

  it('... and a negated operator is true, so that action keeps the Deny without the condition', () => {
    const result = compile([{ Effect: 'Deny', Action: ['s3:GetObject', 's3:ListBucket'], Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'], Condition: { StringNotLike: { 's3:prefix': 'public/*' } } }]);
    expect(result.policy).toStrictEqual(doc(
      { Effect: 'Deny', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::b/*'], Condition: UNVERSIONED },
      { Effect: 'Deny', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::b'], Condition: { StringNotLike: { 's3:prefix': ['public/*'] } } },
    ));
    expect(result.warnings).toStrictEqual([
      'auth.json Statement[0]: condition StringNotLike s3:prefix is always true here (AWS has no s3:prefix for s3:GetObject); left out (s3:GetObject)',
    ]);
  });

  it('...IfExists becomes "absent OR operator": two statements, exact for Allow and Deny', () => {
    const result = compile([
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b', Condition: { StringLikeIfExists: { 's3:prefix': 'public/*' } } },
      { Effect: 'Deny', Action: 's3:PutObject', Resource: 'arn:aws:s3:::b/*', Condition: { StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption': 'AES256' } } },
    ]);
    expect(result.policy).toStrictEqual(doc(
      { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::b'], Condition: { Null: { 's3:prefix': ['true'] } } },
      { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::b'], Condition: { StringLike: { 's3:prefix': ['public/*'] } } },
      { Effect: 'Deny', Action: ['s3:PutObject'], Resource: ['arn:aws:s3:::b/*'], Condition: { Null: { 's3:x-amz-server-side-encryption': ['true'] } } },
      { Effect: 'Deny', Action: ['s3:PutObject'], Resource: ['arn:aws:s3:::b/*'], Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': ['AES256'] } } },
    ));
    expect(result.warnings).toStrictEqual([
      'auth.json Statement[0]: condition StringLikeIfExists s3:prefix has no MinIO operator; written as "key absent" OR the plain operator (two statements) (s3:ListBucket)',
      'auth.json Statement[1]: condition StringNotEqualsIfExists s3:x-amz-server-side-encryption has no MinIO operator; written as "key absent" OR the plain operator (two statements) (s3:PutObject)',
    ]);
  });

  it('NumericGreaterThanIfExists exists in MinIO and is kept', () => {
    expect(compile([{ Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b', Condition: { NumericGreaterThanIfExists: { 's3:max-keys': 10 } } }]).policy).toStrictEqual(doc(
      { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::b'], Condition: { NumericGreaterThanIfExists: { 's3:max-keys': ['10'] } } },
    ));
  });

  it('keys MinIO lacks fail closed: the Allow loses the action, the Deny loses the condition', () => {
    const condition = { StringEquals: { 'aws:PrincipalTag/team': 'blue' } };
    const result = compile([
      { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*', Condition: condition },
      { Effect: 'Deny', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*', Condition: condition },
    ]);
    expect(result.policy).toStrictEqual(doc({ Effect: 'Deny', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::b/*'], Condition: UNVERSIONED }));
    expect(result.warnings).toStrictEqual([
      'auth.json Statement[0]: Allow dropped (fail closed): condition StringEquals aws:PrincipalTag/team: MinIO has no condition key aws:PrincipalTag/team (s3:GetObject)',
      'auth.json Statement[0]: statement dropped: nothing in it can match in AWS or be expressed in MinIO',
      'auth.json Statement[1]: condition StringEquals aws:PrincipalTag/team dropped, so the Deny applies more widely (fail closed): MinIO has no condition key aws:PrincipalTag/team (s3:GetObject)',
    ]);
    expect(result.dropped).toStrictEqual([
      { source: 'auth.json', statementIndex: 0, kind: 'action', item: 's3:GetObject', reason: 'condition StringEquals aws:PrincipalTag/team: MinIO has no condition key aws:PrincipalTag/team' },
      { source: 'auth.json', statementIndex: 0, kind: 'statement', item: 'Statement[0]', reason: 'nothing in it can match in AWS or be expressed in MinIO' },
      { source: 'auth.json', statementIndex: 1, kind: 'condition', item: 'StringEquals aws:PrincipalTag/team', reason: 'MinIO has no condition key aws:PrincipalTag/team' },
    ]);
  });

  it('a key MinIO knows but not for this action fails closed', () => {
    const result = compile([{ Effect: 'Allow', Action: 's3:AbortMultipartUpload', Resource: 'arn:aws:s3:::b/*', Condition: { StringEquals: { 's3:ExistingObjectTag/env': 'dev' } } }]);
    expect(result.policy).toStrictEqual(doc());
    expect(result.warnings[0]).toBe('auth.json Statement[0]: Allow dropped (fail closed): condition StringEquals s3:ExistingObjectTag/env: MinIO does not accept s3:ExistingObjectTag/env for s3:AbortMultipartUpload (s3:AbortMultipartUpload)');
  });

  it('operators MinIO lacks (ArnLike) fail closed, unless the value is known for the role', () => {
    const condition = { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/amplify-*' } };
    const st = (effect: 'Allow' | 'Deny'): IamStatement => ({ Effect: effect, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*', Condition: condition });
    expect(compile([st('Allow'), st('Deny')]).policy).toStrictEqual(doc({ Effect: 'Deny', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::b/*'], Condition: UNVERSIONED }));
    const known = compile([st('Allow')], { staticContext: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/amplify-auth' } });
    expect(known.policy).toStrictEqual(doc({ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::b/*'], Condition: UNVERSIONED }));
    expect(known.warnings).toStrictEqual(['auth.json Statement[0]: condition ArnLike aws:PrincipalArn is always true here (aws:PrincipalArn is "arn:aws:iam::111122223333:role/amplify-auth" for this role); left out (s3:GetObject)']);
    const other = compile([st('Allow')], { staticContext: { 'AWS:PRINCIPALARN': 'arn:aws:iam::111122223333:role/other' } });
    expect(other.policy).toStrictEqual(doc());
  });

  it('condition keys are case-insensitive in AWS and exact in MinIO', () => {
    expect(compile([{ Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b', Condition: { StringLike: { 'S3:Prefix': 'a/*', 'aws:useragent': 'Mozilla*' } } }]).policy).toStrictEqual(doc(
      { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::b'], Condition: { StringLike: { 's3:prefix': ['a/*'], 'aws:UserAgent': ['Mozilla*'] } } },
    ));
  });

  it('negated operators with ForAnyValue/ForAllValues: MinIO reads them the other way round, so they are swapped', () => {
    expect(compile([{ Effect: 'Deny', Action: 's3:PutObject', Resource: 'arn:aws:s3:::b/*', Condition: { 'ForAnyValue:StringNotEquals': { 's3:RequestObjectTagKeys': ['env', 'team'] }, 'ForAllValues:StringLike': { 's3:RequestObjectTagKeys': 'x-*' } } }]).policy).toStrictEqual(doc(
      { Effect: 'Deny', Action: ['s3:PutObject'], Resource: ['arn:aws:s3:::b/*'], Condition: { 'ForAllValues:StringNotEquals': { 's3:RequestObjectTagKeys': ['env', 'team'] }, 'ForAllValues:StringLike': { 's3:RequestObjectTagKeys': ['x-*'] } } },
    ));
  });

  it('keys MinIO sets to "" where AWS has none (Referer, UserAgent, versionid) are corrected', () => {
    expect(compile([
      { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*', Condition: { Null: { 'aws:Referer': 'false' } } },
      { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*', Condition: { StringLike: { 'aws:Referer': '*' } } },
      { Effect: 'Deny', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*', Condition: { StringNotLike: { 'aws:Referer': ['https://example.com/*', '*'] } } },
      { Effect: 'Deny', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*', Condition: { StringNotLike: { 'aws:Referer': 'https://example.com/*' } } },
    ]).policy).toStrictEqual(doc(
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::b/*'], Condition: { StringEquals: { 's3:versionid': [''] }, StringNotEquals: { 'aws:Referer': [''] } } },
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::b/*'], Condition: { StringEquals: { 's3:versionid': [''] }, StringLike: { 'aws:Referer': ['*'] }, StringNotEquals: { 'aws:Referer': [''] } } },
      { Effect: 'Deny', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::b/*'], Condition: { StringEquals: { 's3:versionid': [''] }, StringNotLike: { 'aws:Referer': ['https://example.com/*', '*'] } } },
      { Effect: 'Deny', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::b/*'], Condition: { StringEquals: { 'aws:Referer': [''], 's3:versionid': [''] } } },
      { Effect: 'Deny', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::b/*'], Condition: { StringEquals: { 's3:versionid': [''] }, StringNotLike: { 'aws:Referer': ['https://example.com/*'] } } },
    ));
  });

  it('aws:SecureTransport is decided as true (the client uses HTTPS; MinIO sees HTTP)', () => {
    const st = (v: string, effect: 'Allow' | 'Deny'): IamStatement => ({ Effect: effect, Action: 's3:*', Resource: 'arn:aws:s3:::b/*', Condition: { Bool: { 'aws:SecureTransport': v } } });
    expect(compile([st('false', 'Deny')]).policy).toStrictEqual(doc());
    expect(compile([{ ...st('true', 'Allow'), Action: 's3:GetObject' }]).policy).toStrictEqual(doc({ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::b/*'], Condition: UNVERSIONED }));
    expect(compile([{ ...st('false', 'Deny'), Action: 's3:GetObject' }], { assumeSecureTransport: false }).policy).toStrictEqual(doc(
      { Effect: 'Deny', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::b/*'], Condition: { StringEquals: { 's3:versionid': [''] }, Bool: { 'aws:SecureTransport': ['false'] } } },
    ));
  });

  it('numeric values: integers only, several values become several statements', () => {
    const result = compile([
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b', Condition: { NumericLessThanEquals: { 's3:max-keys': '100' } } },
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b', Condition: { NumericEquals: { 's3:max-keys': ['10', 20] } } },
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b', Condition: { NumericLessThan: { 's3:max-keys': '1.5' } } },
    ]);
    expect(result.policy).toStrictEqual(doc(
      { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::b'], Condition: { NumericLessThanEquals: { 's3:max-keys': ['100'] } } },
      { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::b'], Condition: { NumericEquals: { 's3:max-keys': ['10'] } } },
      { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::b'], Condition: { NumericEquals: { 's3:max-keys': ['20'] } } },
    ));
    expect(result.warnings[0]).toBe('auth.json Statement[2]: Allow dropped (fail closed): condition NumericLessThan s3:max-keys: MinIO compares integers only, not "1.5" (s3:ListBucket)');
  });

  it('dates: RFC 3339 only in MinIO, and aws:EpochTime read as aws:CurrentTime', () => {
    expect(compile([{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*', Condition: { DateLessThan: { 'aws:EpochTime': 1700000000 }, DateGreaterThan: { 'aws:CurrentTime': '2020-01-01' } } }]).policy).toStrictEqual(doc(
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::b/*'], Condition: { StringEquals: { 's3:versionid': [''] }, DateLessThan: { 'aws:CurrentTime': ['2023-11-14T22:13:20Z'] }, DateGreaterThan: { 'aws:CurrentTime': ['2020-01-01T00:00:00Z'] } } },
    ));
  });

  it('IP addresses: a bare IPv6 address is a /128', () => {
    expect(compile([{ Effect: 'Deny', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*', Condition: { NotIpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:db8::1', '198.51.100.7'] } } }]).policy).toStrictEqual(doc(
      { Effect: 'Deny', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::b/*'], Condition: { StringEquals: { 's3:versionid': [''] }, NotIpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:db8::1/128', '198.51.100.7/32'] } } },
    ));
  });

  it('values MinIO refuses (aws:kms:dsse) fail closed instead of breaking the whole policy', () => {
    const result = compile([{ Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::b/*', Condition: { StringEquals: { 's3:x-amz-server-side-encryption': 'aws:kms:dsse' } } }]);
    expect(result.policy).toStrictEqual(doc());
    expect(result.warnings[0]).toBe('auth.json Statement[0]: Allow dropped (fail closed): condition StringEquals s3:x-amz-server-side-encryption: MinIO accepts only "AES256" or "aws:kms" for s3:x-amz-server-side-encryption (s3:PutObject)');
  });

  it('keys that are not AWS keys (jwt:, ldap:, aws:username) are absent in AWS', () => {
    expect(compile([{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*', Condition: { StringEquals: { 'jwt:sub': 'x' } } }]).policy).toStrictEqual(doc());
    expect(compile([{ Effect: 'Deny', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*', Condition: { StringNotEquals: { 'aws:username': 'x' } } }]).policy).toStrictEqual(doc(
      { Effect: 'Deny', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::b/*'], Condition: UNVERSIONED },
    ));
  });

  it('an explicit s3:GetObjectVersion carries the "versioned request" condition, merged with its own', () => {
    expect(compile([{ Effect: 'Allow', Action: ['s3:GetObjectVersion', 's3:GetObject'], Resource: 'arn:aws:s3:::b/*', Condition: { StringNotEquals: { 's3:versionid': 'v1' } } }]).policy).toStrictEqual(doc(
      { Effect: 'Allow', Action: ['s3:GetObjectVersion'], Resource: ['arn:aws:s3:::b/*'], Condition: { StringNotEquals: { 's3:versionid': ['v1', ''] } } },
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::b/*'], Condition: UNVERSIONED },
    ));
  });
});

describe('compileForMinio: principals and bookkeeping', () => {
  it('removes Principal; drops an Allow with NotPrincipal; widens a Deny with NotPrincipal', () => {
    const result = compile([
      { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' },
      { Effect: 'Allow', NotPrincipal: { AWS: 'arn:aws:iam::111122223333:role/x' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' },
      { Effect: 'Deny', NotPrincipal: { AWS: 'arn:aws:iam::111122223333:role/x' }, Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::b/*' },
    ]);
    expect(result.policy).toStrictEqual(doc(
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::b/*'], Condition: UNVERSIONED },
      { Effect: 'Deny', Action: ['s3:DeleteObject'], Resource: ['arn:aws:s3:::b/*'] },
    ));
    expect(result.warnings).toStrictEqual([
      'auth.json Statement[0]: Principal removed: an identity policy applies to the role it is attached to',
      'auth.json Statement[1]: statement dropped: an Allow with NotPrincipal cannot be expressed for one role; dropped to fail closed',
      'auth.json Statement[2]: NotPrincipal removed: the Deny now applies to this role in every case (fail closed)',
    ]);
  });

  it('reports the statement numbers of the original document', () => {
    const result = compile([{ Effect: 'Allow', Action: 's3:GetObjectAcl', Resource: 'arn:aws:s3:::b/*' }], { source: 'bucket policy of b', statementIndexes: [4] });
    expect(result.warnings).toStrictEqual([
      'bucket policy of b Statement[4]: action dropped: s3:GetObjectAcl is not an action MinIO knows (MinIO would reject the whole policy)',
      'bucket policy of b Statement[4]: statement dropped: no action in it exists in MinIO',
    ]);
  });
});

describe('evaluateStatically (AWS semantics, used for keys known ahead of time)', () => {
  const ev = (op: string, values: string[], request: string[] | undefined) => evaluateStatically(parseOperator(op)!, values, request);
  it.each([
    ['StringEquals', ['a'], undefined, false],
    ['StringNotEquals', ['a'], undefined, true],
    ['StringLikeIfExists', ['a*'], undefined, true],
    ['ForAllValues:StringEquals', ['a'], undefined, true],
    ['ForAnyValue:StringEquals', ['a'], undefined, false],
    ['ForAnyValue:StringNotEquals', ['a'], undefined, false],
    ['Null', ['true'], undefined, true],
    ['Null', ['false'], undefined, false],
    ['StringLike', ['a*'], ['abc'], true],
    ['StringNotLike', ['a*'], ['abc'], false],
    ['StringEqualsIgnoreCase', ['ABC'], ['abc'], true],
    ['ForAllValues:StringEquals', ['a', 'b'], ['a', 'c'], false],
    ['ForAnyValue:StringEquals', ['a', 'b'], ['a', 'c'], true],
    ['ForAllValues:StringNotEquals', ['a'], ['b', 'c'], true],
    ['ForAnyValue:StringNotEquals', ['a'], ['a', 'c'], true],
    ['ArnLike', ['arn:aws:iam::*:role/app-*'], ['arn:aws:iam::111122223333:role/app-auth'], true],
    ['ArnNotEquals', ['arn:aws:iam::111122223333:role/x'], ['arn:aws:iam::111122223333:role/x'], false],
    ['Bool', ['true'], ['true'], true],
  ] as const)('%s %j on %j → %s', (op, values, request, expected) => {
    expect(ev(op, [...values], request ? [...request] : undefined)).toBe(expected);
  });
});

describe('compileForMinio: one decision log', () => {
  it('records each decision once; the warnings and the dropped list are views of it', () => {
    const result = compileForMinio(doc(
      { Sid: 'Acl', Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectAcl'], Resource: ['arn:aws:s3:::b/*'] },
      { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::b'], Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:cloudfront::*' } } },
    ), { source: 'auth.json' });
    expect(result.decisions).toStrictEqual([
      {
        source: 'auth.json', statementIndex: 0, sid: 'Acl', kind: 'action',
        message: 'action dropped: s3:GetObjectAcl is not an action MinIO knows (MinIO would reject the whole policy)',
        dropped: [{ kind: 'action', item: 's3:GetObjectAcl', reason: 's3:GetObjectAcl is not an action MinIO knows (MinIO would reject the whole policy)' }],
      },
      {
        source: 'auth.json', statementIndex: 1, kind: 'action',
        message: 'Allow dropped (fail closed): condition ArnLike aws:SourceArn: MinIO has no condition key aws:SourceArn (s3:ListBucket)',
        dropped: [{ kind: 'action', item: 's3:ListBucket', reason: 'condition ArnLike aws:SourceArn: MinIO has no condition key aws:SourceArn' }],
      },
      {
        source: 'auth.json', statementIndex: 1, kind: 'statement',
        message: 'statement dropped: nothing in it can match in AWS or be expressed in MinIO',
        dropped: [{ kind: 'statement', item: 'Statement[1]', reason: 'nothing in it can match in AWS or be expressed in MinIO' }],
      },
    ]);
    expect(result.warnings).toStrictEqual(result.decisions.map(formatDecision));
    expect(result.dropped.map((d) => `${d.statementIndex} ${d.kind} ${d.item}`)).toStrictEqual(['0 action s3:GetObjectAcl', '1 action s3:ListBucket', '1 statement Statement[1]']);
  });
});

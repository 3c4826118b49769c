import { describe, expect, it } from 'vitest';
import type { BucketConfig, RolesConfig } from '../config.js';
import { buildRolePolicies as build, generateRolePolicies, PolicyValidationError } from './index.js';

/** The builds without their decision logs (the warnings are the log's lines). */
/** s3:GetObject compiled for requests without a version ID (s3:GetObjectVersion covers the others). */
const UNVERSIONED = { StringEquals: { 's3:versionid': [''] } };
const buildRolePolicies = (...args: Parameters<typeof build>) => build(...args).map(({ decisions: _log, ...rest }) => rest);
import type { IamPolicyDocument, IamStatement } from './types.js';

const ACCOUNT = '111122223333';
const GUEST = `arn:aws:iam::${ACCOUNT}:role/ase-guest`;
const AUTH = `arn:aws:iam::${ACCOUNT}:role/ase-authenticated`;
const ADMIN = `arn:aws:iam::${ACCOUNT}:role/ase-admin`;
const doc = (...statements: IamPolicyDocument['Statement'][]): IamPolicyDocument => ({ Version: '2012-10-17', Statement: statements.flat() });

describe('buildRolePolicies', () => {
  it('the cross-account pitfall: the role allows the write, the bucket owner does not', () => {
    const generated = generateRolePolicies({ buckets: [{ bucketName: 'ase-pitfall-partner', paths: { 'uploads/*': { authenticated: ['get', 'list', 'write', 'delete'] } } }], groups: [] });
    const roles: RolesConfig = {
      guest: { arn: GUEST, policies: [] },
      authenticated: { arn: AUTH, policies: [generated.authenticated!] },
      groups: {},
    };
    const buckets: BucketConfig[] = [
      {
        name: 'partner',
        bucketName: 'ase-pitfall-partner',
        region: 'us-east-1',
        crossAccount: true,
        bucketPolicy: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { AWS: AUTH }, Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::ase-pitfall-partner/uploads/*'] }],
        },
      },
      { name: 'mine', bucketName: 'ase-mine', region: 'us-east-1' },
    ];
    const listAll: IamStatement = { Sid: 'ListAllMyBucketsFollowsTheRolePolicy', Effect: 'Allow', Action: ['s3:ListAllMyBuckets'], Resource: ['*'] };
    const others: IamStatement = { Sid: 'OtherBucketsFollowTheRolePolicy', Effect: 'Allow', Action: ['s3:*'], Resource: ['arn:aws:s3:::ase-mine', 'arn:aws:s3:::ase-mine/*'] };
    expect(buildRolePolicies({ accountId: ACCOUNT, roles, buckets })).toStrictEqual([
      {
        kind: 'guest',
        roleArn: GUEST,
        minioPolicy: doc(),
        sessionPolicy: doc([others, listAll]),
        warnings: [
          'guest role: no policies attached, so it may do nothing',
          'bucket policy of ase-pitfall-partner: no statement applies to guest role, and the bucket belongs to another account, so AWS refuses this role everything in it',
        ],
      },
      {
        kind: 'authenticated',
        roleArn: AUTH,
        minioPolicy: doc([
          { Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::ase-pitfall-partner/uploads/*'], Condition: UNVERSIONED },
          { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::ase-pitfall-partner'], Condition: { StringLike: { 's3:prefix': ['uploads/*', 'uploads/'] } } },
          { Effect: 'Allow', Action: ['s3:PutObject'], Resource: ['arn:aws:s3:::ase-pitfall-partner/uploads/*'] },
          { Effect: 'Allow', Action: ['s3:DeleteObject'], Resource: ['arn:aws:s3:::ase-pitfall-partner/uploads/*'] },
        ]),
        // MinIO allows only what both allow: on the partner bucket, GetObject alone.
        sessionPolicy: doc([
          { Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::ase-pitfall-partner/uploads/*'], Condition: UNVERSIONED },
          others,
          listAll,
        ]),
        warnings: [],
      },
    ]);
  });

  it('same account: bucket-policy statements for the role join its MinIO policy; warnings name their source', () => {
    const roles: RolesConfig = {
      guest: { arn: GUEST, policies: [doc([{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/public/*' }])] },
      authenticated: {
        arn: AUTH,
        policies: [
          doc([{ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::b/public/*' }]),
          doc([{ Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b/*' }]),
        ],
      },
      groups: { admin: { arn: ADMIN, policies: [doc([{ Effect: 'Allow', Action: 's3:*Object', Resource: 'arn:aws:s3:::b/admin/*' }])] } },
    };
    const buckets: BucketConfig[] = [{
      name: 'b',
      bucketName: 'b',
      region: 'us-east-1',
      bucketPolicy: {
        Version: '2012-10-17',
        Statement: [
          { Sid: 'NoDeletes', Effect: 'Deny', Principal: '*', Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::b/*' },
          { Sid: 'AdminsList', Effect: 'Allow', Principal: { AWS: ADMIN }, Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b', Condition: { StringLike: { 's3:prefix': 'admin/*' } } },
          { Sid: 'Account', Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 's3:*', Resource: 'arn:aws:s3:::b/*' },
        ],
      },
    }];
    const builds = buildRolePolicies({ accountId: ACCOUNT, roles, buckets });
    const deny: IamStatement = { Sid: 'NoDeletes', Effect: 'Deny', Action: ['s3:DeleteObject'], Resource: ['arn:aws:s3:::b/*'] };
    const delegates = () => `bucket policy of b Statement[2] (Sid "Account"): an Allow to account ${ACCOUNT} delegates to IAM in the same account: the role's own policy decides, so it grants nothing by itself`;
    expect(builds).toStrictEqual([
      {
        kind: 'guest',
        roleArn: GUEST,
        minioPolicy: doc([{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::b/public/*'], Condition: UNVERSIONED }, deny]),
        warnings: [delegates()],
      },
      {
        kind: 'authenticated',
        roleArn: AUTH,
        minioPolicy: doc([
          { Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::b/public/*'], Condition: UNVERSIONED },
          { Effect: 'Allow', Action: ['s3:PutObject'], Resource: ['arn:aws:s3:::b/public/*'] },
          deny,
        ]),
        warnings: [
          'authenticated role policy 2 Statement[0]: s3:ListBucket on arn:aws:s3:::b/* never matches in AWS; use arn:aws:s3:::b',
          'authenticated role policy 2 Statement[0]: statement dropped: nothing in it can match in AWS or be expressed in MinIO',
          delegates(),
        ],
      },
      {
        kind: 'group',
        group: 'admin',
        roleArn: ADMIN,
        minioPolicy: doc([
          { Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::b/admin/*'], Condition: UNVERSIONED },
          { Effect: 'Allow', Action: ['s3:PutObject', 's3:DeleteObject', 's3:RestoreObject', 's3:ReplicateObject'], Resource: ['arn:aws:s3:::b/admin/*'] },
          deny,
          { Sid: 'AdminsList', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::b'], Condition: { StringLike: { 's3:prefix': ['admin/*'] } } },
        ]),
        warnings: [delegates()],
      },
    ]);
  });

  it('conditions on the principal are decided for each role', () => {
    const bucketPolicy: IamPolicyDocument = {
      Version: '2012-10-17',
      Statement: [{
        Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/shared/*',
        Condition: { ArnEquals: { 'aws:PrincipalArn': AUTH }, StringEquals: { 'aws:PrincipalAccount': ACCOUNT } },
      }],
    };
    const roles: RolesConfig = { guest: { arn: GUEST, policies: [] }, authenticated: { arn: AUTH, policies: [] }, groups: {} };
    const [guest, auth] = buildRolePolicies({ accountId: ACCOUNT, roles, buckets: [{ name: 'b', bucketName: 'b', region: 'us-east-1', bucketPolicy }] });
    expect(guest!.minioPolicy).toStrictEqual(doc());
    expect(auth!.minioPolicy).toStrictEqual(doc([{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::b/shared/*'], Condition: UNVERSIONED }]));
  });

  it('names each policy by its source when the config gives one (a file, a stack/logical ID), not by its number', () => {
    const roles: RolesConfig = {
      guest: { arn: GUEST, policies: [doc([{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }])], policySources: ['app-stack/auth/GuestPolicy1A2B'] },
      authenticated: {
        arn: AUTH,
        policies: [doc([{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/public/*' }]), doc([{ Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b/*' }])],
        policySources: ['policies/read.json', 'app-stack/ListPolicy9F8E'],
      },
      groups: {},
    };
    const buckets: BucketConfig[] = [{ name: 'b', bucketName: 'b', region: 'us-east-1', bucketPolicySource: 'app-stack/FilesPolicy', bucketPolicy: doc([{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }]) }];
    expect(() => buildRolePolicies({ accountId: ACCOUNT, roles, buckets })).toThrow(
      'Invalid IAM policy:\n'
      + '  - guest role policy app-stack/auth/GuestPolicy1A2B: Statement[0] Principal: an identity policy must not name a Principal: it applies to the role it is attached to; remove Principal\n'
      + '  - bucket policy of b (app-stack/FilesPolicy): Statement[0] Principal: a bucket policy statement needs a Principal, e.g. {"AWS": "arn:aws:iam::<account>:role/<name>"}',
    );
    const valid = { ...roles, guest: { arn: GUEST, policies: [] } };
    const [, auth] = buildRolePolicies({ accountId: ACCOUNT, roles: valid, buckets: [] });
    expect(auth!.warnings).toStrictEqual([
      'authenticated role policy app-stack/ListPolicy9F8E Statement[0]: s3:ListBucket on arn:aws:s3:::b/* never matches in AWS; use arn:aws:s3:::b',
      'authenticated role policy app-stack/ListPolicy9F8E Statement[0]: statement dropped: nothing in it can match in AWS or be expressed in MinIO',
    ]);
  });

  it('refuses malformed documents, listing every issue of every document', () => {
    const roles: RolesConfig = {
      guest: { arn: GUEST, policies: [doc([{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }])] },
      authenticated: { arn: AUTH, policies: [] },
      groups: {},
    };
    const buckets: BucketConfig[] = [{ name: 'b', bucketName: 'b', region: 'us-east-1', bucketPolicy: doc([{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }]) }];
    expect(() => buildRolePolicies({ accountId: ACCOUNT, roles, buckets })).toThrow(PolicyValidationError);
    expect(() => buildRolePolicies({ accountId: ACCOUNT, roles, buckets })).toThrow(
      'Invalid IAM policy:\n'
      + '  - guest role policy: Statement[0] Principal: an identity policy must not name a Principal: it applies to the role it is attached to; remove Principal\n'
      + '  - bucket policy of b: Statement[0] Principal: a bucket policy statement needs a Principal, e.g. {"AWS": "arn:aws:iam::<account>:role/<name>"}',
    );
  });
});

describe('buildRolePolicies: warnings about roles without policies', () => {
  const roles = {
    guest: { arn: 'arn:aws:iam::123456789012:role/guest', policies: [] },
    authenticated: { arn: 'arn:aws:iam::123456789012:role/auth', policies: [] },
    groups: {},
  };
  const noPolicyWarnings = (guestAccess: boolean | undefined) =>
    buildRolePolicies({ accountId: '123456789012', roles, buckets: [], ...(guestAccess === undefined ? {} : { guestAccess }) })
      .flatMap((b) => b.warnings);

  it('warns for every role with no policies, and not for the guest role when guests get no credentials', () => {
    expect(noPolicyWarnings(true)).toStrictEqual([
      'guest role: no policies attached, so it may do nothing',
      'authenticated role: no policies attached, so it may do nothing',
    ]);
    expect(noPolicyWarnings(false)).toStrictEqual(['authenticated role: no policies attached, so it may do nothing']);
  });
});

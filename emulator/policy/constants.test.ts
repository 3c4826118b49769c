import { describe, expect, it } from 'vitest';
import {
  COGNITO_IDENTITY_SUB, COGNITO_KEY_TO_MINIO, ENTITY_ID_PATH_TOKEN, MINIO_JWT_SUB, STORAGE_ACTION_TO_S3, bucketArnOf,
} from './constants.js';
import { arnMatch, globMatch } from './glob.js';
import { expandActionPattern, minioAcceptsKey, minioAction, minioKeyName } from './minio-model.js';

describe('constants', () => {
  it('names the tokens once', () => {
    expect([ENTITY_ID_PATH_TOKEN, COGNITO_IDENTITY_SUB, MINIO_JWT_SUB]).toStrictEqual(['{entity_id}', '${cognito-identity.amazonaws.com:sub}', '${jwt:sub}']);
    expect(COGNITO_KEY_TO_MINIO).toStrictEqual({ 'cognito-identity.amazonaws.com:sub': 'jwt:sub' });
  });

  it('maps storage actions as Amplify does', () => {
    expect(STORAGE_ACTION_TO_S3).toStrictEqual({ get: ['s3:GetObject'], list: ['s3:ListBucket'], write: ['s3:PutObject'], delete: ['s3:DeleteObject'] });
  });

  it('bucketArnOf takes a name or an ARN', () => {
    expect([bucketArnOf('b'), bucketArnOf('arn:aws:s3:::b')]).toStrictEqual(['arn:aws:s3:::b', 'arn:aws:s3:::b']);
  });
});

describe('MinIO model (minio/pkg v3.1.3)', () => {
  it('action names: case-insensitive lookup, MinIO spelling, levels', () => {
    expect(minioAction('S3:GETBUCKETCORS')).toStrictEqual({ name: 's3:GetBucketCors', level: 'bucket', keys: [], aws: true });
    expect(minioAction('s3:PutObjectAcl')).toBeUndefined();
    expect(expandActionPattern('s3:List*').map((a) => a.name)).toStrictEqual([
      's3:ListMultipartUploadParts', 's3:ListBucket', 's3:ListBucketVersions', 's3:ListBucketMultipartUploads', 's3:ListAllMyBuckets',
    ]);
    // MinIO-only extensions are never reached from an AWS pattern.
    expect(expandActionPattern('s3:Listen*')).toStrictEqual([]);
  });

  it('condition keys: MinIO spelling, tag keys, per-action acceptance', () => {
    expect(minioKeyName('AWS:SOURCEIP')).toBe('aws:SourceIp');
    expect(minioKeyName('s3:existingobjecttag/Env')).toBe('s3:ExistingObjectTag/Env');
    expect(minioKeyName('s3:prefix/x')).toBeUndefined();
    expect(minioKeyName('aws:PrincipalArn')).toBeUndefined();
    expect(minioAcceptsKey(minioAction('s3:ListBucket')!, 's3:prefix')).toBe(true);
    expect(minioAcceptsKey(minioAction('s3:GetObject')!, 's3:prefix')).toBe(false);
    expect(minioAcceptsKey(minioAction('s3:GetObject')!, 'jwt:sub')).toBe(true);
  });
});

describe('glob', () => {
  it.each([
    ['a*', 'abc', true], ['a*c', 'ac', true], ['a?c', 'abc', true], ['a?c', 'ac', false], ['*', '', true],
    ['public/*', 'public/', true], ['public/*', 'public', false], ['a*b*c', 'aXbYbZc', true], ['a?', 'aé', true],
  ] as const)('%s ~ %s → %s', (p, t, r) => {
    expect(globMatch(p, t)).toBe(r);
  });

  it('ARNs match part by part', () => {
    expect(arnMatch('arn:aws:iam::*:role/*', 'arn:aws:iam::111122223333:role/x')).toBe(true);
    expect(arnMatch('arn:aws:iam::*', 'arn:aws:iam::111122223333:role/x')).toBe(false);
  });
});

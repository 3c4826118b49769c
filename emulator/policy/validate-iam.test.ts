import { describe, expect, it } from 'vitest';
import { assertValidIamDocument, PolicyValidationError, validateIamDocument } from './validate-iam.js';

const ok = { source: 'auth.json', kind: 'identity' as const };

describe('validateIamDocument', () => {
  it('accepts the docs policies', () => {
    expect(validateIamDocument({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: ['arn:aws:s3:::b/public/*'] },
        { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b', Condition: { StringLike: { 's3:prefix': ['public/', 'public/*'] } } },
        { Effect: 'Deny', NotAction: 's3:Get*', NotResource: '*', Condition: { 'ForAnyValue:StringNotLikeIfExists': { 'aws:TagKeys': 'x' }, Null: { 's3:prefix': 'true' } } },
      ],
    }, ok)).toStrictEqual([]);
    expect(validateIamDocument({
      Version: '2012-10-17',
      Statement: { Sid: 'Statement 1', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:role/auth' }, Action: 's3:*', Resource: 'arn:aws:s3:::b/*' },
    }, { source: 'bucket', kind: 'resource' })).toStrictEqual([]);
  });

  it('names the document, the statement and its Sid, and says what to fix', () => {
    const issues = validateIamDocument({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'A', Effect: 'allow', Action: 'GetObject', Resource: 'arn:aws:s3::b', Principal: '*' },
        { Sid: 'A', Effect: 'Deny', Action: 's3:GetObject', NotAction: 's3:PutObject' },
      ],
    }, ok);
    expect(issues).toStrictEqual([
      { source: 'auth.json', statementIndex: 0, sid: 'A', path: 'Statement[0].Effect', segments: ['Statement', 0, 'Effect'], message: 'Effect "allow" is not valid; use "Allow" or "Deny" (case-sensitive)' },
      { source: 'auth.json', statementIndex: 0, sid: 'A', path: 'Statement[0].Principal', segments: ['Statement', 0, 'Principal'], message: 'an identity policy must not name a Principal: it applies to the role it is attached to; remove Principal' },
      { source: 'auth.json', statementIndex: 0, sid: 'A', path: 'Statement[0].Action[0]', segments: ['Statement', 0, 'Action', 0], message: '"GetObject" is not an action; write "<service>:<action>", e.g. "s3:GetObject" (wildcards * and ? allowed)' },
      { source: 'auth.json', statementIndex: 0, sid: 'A', path: 'Statement[0].Resource[0]', segments: ['Statement', 0, 'Resource', 0], message: '"arn:aws:s3::b" has 4 colons; an ARN is arn:<partition>:<service>:<region>:<account>:<resource> (S3: arn:aws:s3:::<bucket>)' },
      { source: 'auth.json', statementIndex: 1, sid: 'A', path: 'Statement[1].Action', segments: ['Statement', 1, 'Action'], message: 'use either Action or NotAction, not both' },
      { source: 'auth.json', statementIndex: 1, sid: 'A', path: 'Statement[1].Resource', segments: ['Statement', 1, 'Resource'], message: 'Resource is missing; add "Resource": ["arn:aws:s3:::<bucket>/<prefix>/*"]' },
      { source: 'auth.json', statementIndex: 1, sid: 'A', path: 'Statement[1].Sid', segments: ['Statement', 1, 'Sid'], message: 'Sid "A" is also used by Statement[0]; Sids must be unique within a policy' },
    ]);
  });

  it('checks the document level', () => {
    expect(validateIamDocument({ version: '2012-10-17', Statement: [] }, ok)).toStrictEqual([
      { source: 'auth.json', path: 'version', segments: ['version'], message: 'unknown element "version"; a policy has only Version, Id and Statement (check the spelling and case)' },
      { source: 'auth.json', path: 'Statement', segments: ['Statement'], message: 'Statement is empty; add at least one statement' },
    ]);
    expect(validateIamDocument({ Version: '2012-10-18' }, ok)).toStrictEqual([
      { source: 'auth.json', path: 'Version', segments: ['Version'], message: 'Version "2012-10-18" is not valid; use "2012-10-17"' },
      { source: 'auth.json', path: 'Statement', segments: ['Statement'], message: 'Statement is missing; add a list of statements' },
    ]);
    expect(validateIamDocument([], ok)).toStrictEqual([
      { source: 'auth.json', path: '(document)', segments: [], message: 'a policy document must be a JSON object with "Version" and "Statement"' },
    ]);
  });

  it('checks S3 ARNs', () => {
    const resources = ['arn:aws:s3:::/b/*', 'arn:aws:s3:us-east-1:123456789012:b/*', 'bucket/*', 'arn:aws:s3:::', 'arn:aws:s3:us-east-1:123456789012:accesspoint/ap'];
    const issues = validateIamDocument({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: resources }] }, ok);
    expect(issues.map((i) => [i.path, i.message])).toStrictEqual([
      ['Statement[0].Resource[0]', '"arn:aws:s3:::/b/*" starts the bucket name with "/", so it never matches; write arn:aws:s3:::b/*'],
      ['Statement[0].Resource[1]', '"arn:aws:s3:us-east-1:123456789012:b/*": bucket and object ARNs have empty region and account fields; write arn:aws:s3:::b/*'],
      ['Statement[0].Resource[2]', '"bucket/*" is not an ARN; write "*" or "arn:aws:s3:::<bucket>" / "arn:aws:s3:::<bucket>/<key pattern>"'],
      ['Statement[0].Resource[3]', '"arn:aws:s3:::" names no resource; add the bucket, e.g. arn:aws:s3:::<bucket>'],
    ]);
  });

  it('accepts wildcards in the region and account fields, as AWS does (each ARN field is matched on its own)', () => {
    const resources = ['arn:aws:s3:*:*:b/public/*', 'arn:*:s3:*:*:b', 'arn:aws:s3:*::b/*', 'arn:aws:s3::*:b/*', 'arn:aws:s3:us-*:*:b/*'];
    expect(validateIamDocument({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: resources }] }, ok)).toStrictEqual([]);
  });

  it('checks conditions', () => {
    const issues = validateIamDocument({
      Version: '2012-10-17',
      Statement: [{
        Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b',
        Condition: {
          stringlike: { 's3:prefix': 'a/' },
          NullIfExists: { 's3:prefix': 'true' },
          StringEquals: {},
          Null: { 's3:prefix': 'yes' },
          Bool: { 'aws:SecureTransport': 'maybe', prefix: 'true' },
          StringLike: { 's3:prefix': [{ x: 1 }] },
        },
      }],
    }, ok);
    expect(issues.map((i) => [i.path, i.message])).toStrictEqual([
      ['Statement[0].Condition.stringlike', '"stringlike" is not a condition operator; operators are case-sensitive: did you mean "StringLike"?'],
      ['Statement[0].Condition.NullIfExists', '"NullIfExists" is not a condition operator; Null has no IfExists form: use "Null"'],
      ['Statement[0].Condition.StringEquals', 'StringEquals must map condition keys to values, e.g. {"s3:prefix": ["public/*"]}'],
      ['Statement[0].Condition.Null.s3:prefix', 'Null takes "true" (the key is absent) or "false" (the key is present)'],
      ['Statement[0].Condition.Bool.aws:SecureTransport', 'Bool takes "true" or "false"'],
      ['Statement[0].Condition.Bool.prefix', '"prefix" is not a condition key; keys look like "s3:prefix" or "aws:SourceIp"'],
      ['Statement[0].Condition.StringLike.s3:prefix', 'condition values must be strings, numbers or booleans (or a list of them)'],
    ]);
  });

  it('bucket policies need a principal, without wildcards inside ARNs', () => {
    const issues = validateIamDocument({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' },
        { Effect: 'Allow', Principal: { AWS: ['arn:aws:iam::123456789012:role/*', 'alice'], Users: 'x' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' },
      ],
    }, { source: 'bucket', kind: 'resource' });
    expect(issues.map((i) => [i.path, i.message])).toStrictEqual([
      ['Statement[0].Principal', 'a bucket policy statement needs a Principal, e.g. {"AWS": "arn:aws:iam::<account>:role/<name>"}'],
      ['Statement[1].Principal.AWS[0]', '"arn:aws:iam::123456789012:role/*": AWS principals cannot hold wildcards (only "*" alone); name the role or session exactly'],
      ['Statement[1].Principal.AWS[1]', '"alice" is not an AWS principal; use "*", a 12-digit account ID or an ARN like arn:aws:iam::<account>:role/<name>'],
      ['Statement[1].Principal.Users', 'unknown principal type "Users"; use AWS, Service, Federated or CanonicalUser'],
    ]);
  });

  it('assertValidIamDocument throws a PolicyValidationError with readable lines', () => {
    const doc = { Version: '2012-10-17', Statement: [{ Sid: 'S1', Effect: 'Allow', Action: 's3:GetObject' }] };
    expect(() => assertValidIamDocument(doc, ok)).toThrow(PolicyValidationError);
    expect(() => assertValidIamDocument(doc, ok)).toThrow(
      'Invalid IAM policy:\n  - auth.json: Statement[0] (Sid "S1") Resource: Resource is missing; add "Resource": ["arn:aws:s3:::<bucket>/<prefix>/*"]',
    );
  });
});

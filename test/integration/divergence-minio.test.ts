/**
 * One test per way MinIO's policy engine differs from AWS IAM (see
 * /work/shared/reference/minio.md, "Where the policy engine differs"), each against a running
 * MinIO:
 *   (a) the comment says what AWS answers, and why;
 *   (b) the policy compiled by the real compiler gives that answer on MinIO;
 *   (c) where MinIO accepts the document as written, raw MinIO gives another answer (or refuses
 *       the document), which is what makes the test meaningful.
 * Sessions are AssumeRoleWithWebIdentity sessions for a Cognito identity ID, as the emulator
 * vends them; requests are real S3 calls made with @aws-sdk/client-s3.
 */
import {
  DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { MinioAdminError } from '../../emulator/minio/admin.js';
import { buildRolePolicies } from '../../emulator/policy/index.js';
import type { IamPolicyDocument, IamStatement } from '../../emulator/policy/types.js';
import {
  HARNESS_ROLE_ARN, IDENTITY_ME, IDENTITY_OTHER, outcome, outcomeWithStatus, useMinioPolicyHarness,
} from '../helpers/minio-policy-harness.js';

const MAIN = 'ase-div-main';
const PARTNER = 'ase-div-partner';
/** Versioning is switched on for this one (test 22). */
const VERSIONED = 'ase-div-versioned';
const ME = IDENTITY_ME;
const OTHER = IDENTITY_OTHER;
const SUB = '${cognito-identity.amazonaws.com:sub}';

const h = useMinioPolicyHarness({
  buckets: [MAIN, PARTNER, VERSIONED],
  objects: {
    [MAIN]: ['public/a.txt', 'secret/s.txt', 'shared/x.txt', 'docs/d.txt', `${ME}/photo.txt`, `${OTHER}/photo.txt`],
    [PARTNER]: ['uploads/u.txt', 'secret/p.txt'],
  },
});

const doc = (...statements: IamStatement[]): IamPolicyDocument => ({ Version: '2012-10-17', Statement: statements });
const arn = (bucket: string, key?: string) => `arn:aws:s3:::${bucket}${key === undefined ? '' : `/${key}`}`;

const list = (s3: S3Client, prefix?: string, bucket = MAIN) =>
  outcome(s3.send(new ListObjectsV2Command({ Bucket: bucket, ...(prefix !== undefined ? { Prefix: prefix } : {}) })));
const get = (s3: S3Client, key: string, bucket = MAIN) => outcome(s3.send(new GetObjectCommand({ Bucket: bucket, Key: key })));
let written = 0;
const put = (s3: S3Client, dir: string, bucket = MAIN) =>
  outcome(s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${dir}new-${++written}.txt`, Body: 'x' })));
const del = (s3: S3Client, key: string, bucket = MAIN) => outcome(s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })));

/** MinIO's refusal of a document installed as written. */
async function refusal(document: object): Promise<string> {
  const err = await h().installRaw(document).then(() => undefined, (e: unknown) => e);
  expect(err, 'MinIO accepted the raw document').toBeInstanceOf(MinioAdminError);
  return (err as MinioAdminError).message;
}

describe('MinIO divergences, closed by the compiler', () => {
  it('1. s3:ListBucket on bucket/* only: AWS never grants the list (MinIO matches bucket actions against "bucket/")', async () => {
    // AWS: ListBucket is authorised against the bucket ARN arn:aws:s3:::b; "b/*" matches object
    // ARNs only, so ListObjectsV2 is AccessDenied.
    const statement: IamStatement = { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [arn(MAIN, '*')] };
    const compiled = await h().credentialsFor([doc(statement)]);
    expect(await list(compiled.s3)).toBe('AccessDenied');
    expect(await list(compiled.s3, 'public/')).toBe('AccessDenied');
    expect(compiled.warnings.join('\n')).toContain(`s3:ListBucket on ${arn(MAIN, '*')} never matches in AWS; use ${arn(MAIN)}`);

    // Raw MinIO: "b/*" matches "b/", so the list is allowed.
    const raw = await h().rawCredentialsFor(doc(statement));
    expect(await list(raw.s3)).toBe('allowed');
  });

  it('2. s3:ListBucket on bucket and bucket/* with an s3:prefix condition: the bucket ARN grants, the prefix condition holds', async () => {
    // AWS: the bucket ARN matches; StringLike s3:prefix "public/*" allows Prefix "public/" only,
    // and a list with no prefix has no s3:prefix (StringLike on an absent key is false).
    const compiled = await h().credentialsFor([doc({
      Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [arn(MAIN), arn(MAIN, '*')], Condition: { StringLike: { 's3:prefix': 'public/*' } },
    })]);
    const listed = await compiled.s3.send(new ListObjectsV2Command({ Bucket: MAIN, Prefix: 'public/' }));
    expect((listed.Contents ?? []).map((o) => o.Key)).toContain('public/a.txt');
    expect(await list(compiled.s3, 'secret/')).toBe('AccessDenied');
    expect(await list(compiled.s3)).toBe('AccessDenied');
    expect(compiled.installed.Statement).toStrictEqual([
      { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [arn(MAIN)], Condition: { StringLike: { 's3:prefix': ['public/*'] } } },
    ]);
  });

  it('3. ${cognito-identity.amazonaws.com:sub} in Resource and in s3:prefix: each identity gets its own folder only', async () => {
    // AWS: the variable is the caller's identity ID. Own folder readable, another identity's not;
    // ListBucket with StringLike s3:prefix "<id>/*": own prefix listable, another's not, and a list
    // with no prefix (s3:prefix absent) or Prefix "" (s3:prefix = "") is denied.
    const policy = doc(
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: [arn(MAIN, `${SUB}/*`)] },
      { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [arn(MAIN)], Condition: { StringLike: { 's3:prefix': [`${SUB}/*`] } } },
    );
    const me = await h().credentialsFor([policy]);
    expect(await get(me.s3, `${ME}/photo.txt`)).toBe('allowed');
    expect(await get(me.s3, `${OTHER}/photo.txt`)).toBe('AccessDenied');
    expect(await list(me.s3, `${ME}/`)).toBe('allowed');
    expect(await list(me.s3, `${OTHER}/`)).toBe('AccessDenied');
    expect(await list(me.s3)).toBe('AccessDenied');
    expect(await list(me.s3, '')).toBe('AccessDenied');
    const other = await h().credentialsFor([policy], { sub: OTHER });
    expect(await get(other.s3, `${OTHER}/photo.txt`)).toBe('allowed');
    expect(await get(other.s3, `${ME}/photo.txt`)).toBe('AccessDenied');
    expect(await list(other.s3, `${OTHER}/`)).toBe('allowed');
    expect(await list(other.s3, `${ME}/`)).toBe('AccessDenied');

    // Raw MinIO knows no cognito-identity variables and reads the ARN literally: own folder denied.
    const raw = await h().rawCredentialsFor(policy);
    expect(await get(raw.s3, `${ME}/photo.txt`)).toBe('AccessDenied');
    expect(await list(raw.s3, `${ME}/`)).toBe('AccessDenied');
  });

  it('3b. s3:prefix is absent when a list sends no prefix and "" when it sends prefix= (MinIO agrees with AWS, so the compiler adds nothing)', async () => {
    // AWS: without the prefix parameter the request context has no s3:prefix (only a Null
    // condition sees it); "prefix=" gives s3:prefix "". Checked on raw MinIO with both probes.
    const nullProbe = await h().rawCredentialsFor(doc({
      Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [arn(MAIN)], Condition: { Null: { 's3:prefix': 'true' } },
    }));
    expect(await list(nullProbe.s3)).toBe('allowed');
    expect(await list(nullProbe.s3, '')).toBe('AccessDenied');
    const emptyProbe = await h().rawCredentialsFor(doc({
      Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [arn(MAIN)], Condition: { StringEquals: { 's3:prefix': '' } },
    }));
    expect(await list(emptyProbe.s3)).toBe('AccessDenied');
    expect(await list(emptyProbe.s3, '')).toBe('allowed');
    // The compiled Null condition keeps MinIO's reading.
    const compiled = await h().credentialsFor([doc({
      Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [arn(MAIN)], Condition: { Null: { 's3:prefix': 'true' } },
    })]);
    expect(await list(compiled.s3)).toBe('allowed');
    expect(await list(compiled.s3, '')).toBe('AccessDenied');
    expect(await list(compiled.s3, 'public/')).toBe('AccessDenied');
  });

  it('4. an action MinIO does not know (s3:PutObjectAcl) next to s3:PutObject: MinIO refuses the whole policy, the compiler drops that action only', async () => {
    // AWS: s3:PutObjectAcl is a valid action; the statement grants PutObject as written.
    const policy = doc({ Effect: 'Allow', Action: ['s3:PutObject', 's3:PutObjectAcl'], Resource: [arn(MAIN, 'public/*')] });
    expect(await refusal(policy)).toMatch(/unsupported action 's3:PutObjectAcl'/);

    const compiled = await h().credentialsFor([policy]);
    expect(await put(compiled.s3, 'public/')).toBe('allowed');
    expect(await put(compiled.s3, 'secret/')).toBe('AccessDenied');
    expect(JSON.stringify(compiled.installed)).not.toContain('PutObjectAcl');
    expect(compiled.warnings.some((w) => w.includes('s3:PutObjectAcl') && w.includes('action dropped'))).toBe(true);
  });

  it('5. s3:* on bucket/*: AWS grants every object action and no bucket action', async () => {
    // AWS: "b/*" matches object ARNs only, so Get/Put/Delete are allowed and ListBucket is not.
    const policy = doc({ Effect: 'Allow', Action: 's3:*', Resource: arn(MAIN, '*') });
    const compiled = await h().credentialsFor([policy]);
    expect(await get(compiled.s3, 'public/a.txt')).toBe('allowed');
    expect(await put(compiled.s3, 'public/')).toBe('allowed');
    expect(await del(compiled.s3, `public/new-${written}.txt`)).toBe('allowed');
    expect(await list(compiled.s3)).toBe('AccessDenied');
    expect(await list(compiled.s3, 'public/')).toBe('AccessDenied');

    const raw = await h().rawCredentialsFor(policy);
    expect(await list(raw.s3)).toBe('allowed');
  });

  it('6. s3:GetObject and s3:ListBucket under one s3:prefix condition: GetObject never matches in AWS, MinIO refuses the document', async () => {
    // AWS: a GetObject request has no s3:prefix, so StringLike is false and GetObject is denied;
    // ListBucket with Prefix "public/" matches and is allowed.
    const policy = doc({
      Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: [arn(MAIN), arn(MAIN, '*')],
      Condition: { StringLike: { 's3:prefix': 'public/*' } },
    });
    expect(await refusal(policy)).toMatch(/unsupported condition keys '\[s3:prefix\]' used for action 's3:GetObject'/);

    const compiled = await h().credentialsFor([policy]);
    expect(await get(compiled.s3, 'public/a.txt')).toBe('AccessDenied');
    expect(await list(compiled.s3, 'public/')).toBe('allowed');
    expect(await list(compiled.s3, 'secret/')).toBe('AccessDenied');
    expect(compiled.warnings.join('\n')).toMatch(/StringLike s3:prefix is never true here .*\(s3:GetObject\)/);
  });

  it('7. StringLikeIfExists on s3:prefix: no prefix or a matching one is allowed (MinIO has no ...IfExists operator)', async () => {
    // AWS: ...IfExists is true when the key is absent: a list without prefix is allowed, Prefix
    // "public/" is allowed, "secret/" is not, and Prefix "" (present, "") does not match "public/*".
    const policy = doc({
      Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [arn(MAIN)], Condition: { StringLikeIfExists: { 's3:prefix': 'public/*' } },
    });
    expect(await refusal(policy)).toMatch(/invalid condition name 'StringLikeIfExists'/);

    const compiled = await h().credentialsFor([policy]);
    expect(await list(compiled.s3)).toBe('allowed');
    expect(await list(compiled.s3, 'public/')).toBe('allowed');
    expect(await list(compiled.s3, 'secret/')).toBe('AccessDenied');
    expect(await list(compiled.s3, '')).toBe('AccessDenied');
    // "key absent" OR the plain operator: two statements.
    expect(compiled.installed.Statement).toStrictEqual([
      { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [arn(MAIN)], Condition: { Null: { 's3:prefix': ['true'] } } },
      { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [arn(MAIN)], Condition: { StringLike: { 's3:prefix': ['public/*'] } } },
    ]);
  });

  it('8. an explicit Deny wins over an Allow (same in both engines; the compiled form keeps it)', async () => {
    // AWS: an explicit Deny overrides any Allow.
    const policy = doc(
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: [arn(MAIN, '*')] },
      { Effect: 'Deny', Action: ['s3:GetObject'], Resource: [arn(MAIN, 'secret/*')] },
    );
    const compiled = await h().credentialsFor([policy]);
    expect(await get(compiled.s3, 'public/a.txt')).toBe('allowed');
    expect(await get(compiled.s3, 'secret/s.txt')).toBe('AccessDenied');
    const raw = await h().rawCredentialsFor(policy);
    expect(await get(raw.s3, 'secret/s.txt')).toBe('AccessDenied');
  });

  it('9. NotAction with Resource bucket/*: object actions outside NotAction are granted, ListBucket never', async () => {
    // AWS: NotAction covers every other action, but Resource "b/*" matches object ARNs only, so
    // GetObject/PutObject are allowed, DeleteObject (excluded) and ListBucket (bucket ARN) are not.
    const policy = doc({ Effect: 'Allow', NotAction: ['s3:DeleteObject'], Resource: [arn(MAIN, '*')] });
    const compiled = await h().credentialsFor([policy]);
    expect(await get(compiled.s3, 'public/a.txt')).toBe('allowed');
    expect(await put(compiled.s3, 'public/')).toBe('allowed');
    expect(await del(compiled.s3, 'public/never-written.txt')).toBe('AccessDenied');
    expect(await list(compiled.s3)).toBe('AccessDenied');

    const raw = await h().rawCredentialsFor(policy);
    expect(await list(raw.s3)).toBe('allowed');
  });

  it('10. a same-account bucket policy naming the role: its Allow grants and its Deny refuses (MinIO ignores bucket policies for signed requests)', async () => {
    // AWS, same account: allowed ⇔ (identity policy OR bucket policy allows) AND no Deny in either.
    const rolePolicy = doc({ Effect: 'Allow', Action: ['s3:GetObject'], Resource: [arn(MAIN, 'docs/*')] });
    const allowShared = doc({ Effect: 'Allow', Principal: { AWS: HARNESS_ROLE_ARN }, Action: ['s3:GetObject'], Resource: [arn(MAIN, 'shared/*')] });
    const compiled = await h().credentialsFor([rolePolicy], { bucketPolicy: allowShared });
    expect(await get(compiled.s3, 'shared/x.txt')).toBe('allowed');
    expect(await get(compiled.s3, 'docs/d.txt')).toBe('allowed');
    expect(await get(compiled.s3, 'secret/s.txt')).toBe('AccessDenied');

    const denyShared = doc({ Effect: 'Deny', Principal: { AWS: HARNESS_ROLE_ARN }, Action: ['s3:GetObject'], Resource: [arn(MAIN, 'shared/*')] });
    const denied = await h().credentialsFor([doc({ Effect: 'Allow', Action: ['s3:GetObject'], Resource: [arn(MAIN, '*')] })], { bucketPolicy: denyShared });
    expect(await get(denied.s3, 'shared/x.txt')).toBe('AccessDenied');
    expect(await get(denied.s3, 'public/a.txt')).toBe('allowed');

    // Raw MinIO: a bucket policy granting everyone shared/* is live (an anonymous GET succeeds),
    // yet a signed request under the role policy alone is refused.
    const { admin, minio } = h();
    const raw = await h().rawCredentialsFor(rolePolicy);
    const everyoneShared = doc({ Effect: 'Allow', Principal: { AWS: ['*'] }, Action: ['s3:GetObject'], Resource: [arn(MAIN, 'shared/*')] });
    await admin.client.setBucketPolicy(MAIN, JSON.stringify(everyoneShared));
    try {
      expect((await fetch(`${minio.endpoint}/${MAIN}/shared/x.txt`)).status).toBe(200);
      expect(await get(raw.s3, 'shared/x.txt')).toBe('AccessDenied');
    } finally {
      await admin.client.setBucketPolicy(MAIN, '');
    }
    expect((await fetch(`${minio.endpoint}/${MAIN}/shared/x.txt`)).status).toBe(403);
  });

  it('11. a cross-account bucket: role and bucket policy must both allow; other buckets follow the role policy alone', async () => {
    // AWS, cross account: allowed ⇔ identity policy allows AND the bucket owner's policy allows.
    // The role allows Get+Put on both buckets; the partner's bucket policy allows Get only.
    const rolePolicy = doc({ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: [arn(PARTNER, '*'), arn(MAIN, '*')] });
    const partnerPolicy = doc({ Effect: 'Allow', Principal: { AWS: HARNESS_ROLE_ARN }, Action: ['s3:GetObject'], Resource: [arn(PARTNER, 'uploads/*')] });
    const compiled = await h().credentialsFor([rolePolicy], { bucket: PARTNER, bucketPolicy: partnerPolicy, crossAccount: true });
    expect(compiled.build.sessionPolicy).toBeDefined();
    expect(await get(compiled.s3, 'uploads/u.txt', PARTNER)).toBe('allowed');
    expect(await put(compiled.s3, 'uploads/', PARTNER)).toBe('AccessDenied');
    // The same-account bucket: the role policy alone decides.
    expect(await get(compiled.s3, 'public/a.txt')).toBe('allowed');
    expect(await put(compiled.s3, 'public/')).toBe('allowed');
    expect(await list(compiled.s3)).toBe('AccessDenied');

    // Raw MinIO: only the role policy counts, so the partner bucket accepts the write.
    const raw = await h().rawCredentialsFor(rolePolicy);
    expect(await put(raw.s3, 'uploads/', PARTNER)).toBe('allowed');
  });

  it('12. an unsupported condition operator (ArnLike aws:SourceArn): a Deny applies more widely, an Allow is dropped', async () => {
    // AWS: a direct S3 request from a role session has no aws:SourceArn; ArnLike on an absent key
    // is false. So the Deny below does not apply in AWS (GetObject would be allowed) and the Allow
    // on docs/* grants nothing. MinIO has no ArnLike and refuses the document; the compiler fails
    // closed: the Deny loses its condition (applies to every GetObject: stricter than AWS, with a
    // warning), the Allow is dropped (denied, as in AWS).
    const deny = doc(
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: [arn(MAIN, 'public/*')] },
      { Effect: 'Deny', Action: ['s3:GetObject'], Resource: [arn(MAIN, '*')], Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:cloudfront::*' } } },
    );
    expect(await refusal(deny)).toMatch(/invalid condition name 'ArnLike'/);
    const compiledDeny = await h().credentialsFor([deny]);
    expect(await get(compiledDeny.s3, 'public/a.txt')).toBe('AccessDenied');
    expect(compiledDeny.warnings.join('\n')).toMatch(/condition ArnLike aws:SourceArn dropped, so the Deny applies more widely \(fail closed\)/);

    const allow = doc({ Effect: 'Allow', Action: ['s3:GetObject'], Resource: [arn(MAIN, 'docs/*')], Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:cloudfront::*' } } });
    const compiledAllow = await h().credentialsFor([allow]);
    expect(await get(compiledAllow.s3, 'docs/d.txt')).toBe('AccessDenied');
    expect(compiledAllow.warnings.join('\n')).toMatch(/Allow dropped \(fail closed\): condition ArnLike aws:SourceArn/);
  });

  it('14. keys MinIO sets to "" on every request (aws:Referer, s3:versionid): Null sees them absent, as AWS does', async () => {
    // AWS: the SDK sends no Referer and GetObject names no versionId, so both keys are absent and
    // Null "true" holds. MinIO always sets them ("" when not sent), so raw Null "true" is false.
    for (const key of ['aws:Referer', 's3:versionid']) {
      const policy = doc({ Effect: 'Allow', Action: ['s3:GetObject'], Resource: [arn(MAIN, 'public/*')], Condition: { Null: { [key]: 'true' } } });
      const compiled = await h().credentialsFor([policy]);
      expect(await get(compiled.s3, 'public/a.txt'), key).toBe('allowed');
      const raw = await h().rawCredentialsFor(policy);
      expect(await get(raw.s3, 'public/a.txt'), key).toBe('AccessDenied');
    }
  });

  it('15. a wildcard inside a bucket name (ase-div-mai?, ase-*-main) grants ListBucket on the bucket', async () => {
    // AWS: "?" and "*" match within the ARN, so arn:aws:s3:::ase-div-mai? matches the bucket ARN
    // arn:aws:s3:::ase-div-main. MinIO matches bucket actions against "ase-div-main/", which a
    // pattern not ending in "*" misses.
    for (const pattern of ['ase-div-mai?', 'ase-*-main']) {
      const policy = doc({ Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [arn(pattern)] });
      const compiled = await h().credentialsFor([policy]);
      expect(await list(compiled.s3), pattern).toBe('allowed');
      expect(await list(compiled.s3, undefined, PARTNER), pattern).toBe('AccessDenied');
      const raw = await h().rawCredentialsFor(policy);
      expect(await list(raw.s3), pattern).toBe('AccessDenied');
    }
  });

  it('16. NotResource bucket/* with s3:ListBucket excludes objects only: the bucket stays listable', async () => {
    // AWS: NotResource arn:aws:s3:::partner/* does not cover the bucket ARN arn:aws:s3:::partner,
    // so ListBucket on it is allowed. MinIO matches "partner/" against "partner/*" and excludes it.
    const policy = doc({ Effect: 'Allow', Action: ['s3:ListBucket'], NotResource: [arn(PARTNER, '*')] });
    const compiled = await h().credentialsFor([policy]);
    expect(await list(compiled.s3, undefined, PARTNER)).toBe('allowed');
    expect(await list(compiled.s3)).toBe('allowed');
    const raw = await h().rawCredentialsFor(policy);
    expect(await list(raw.s3, undefined, PARTNER)).toBe('AccessDenied');
  });

  it('17. ForAllValues / ForAnyValue with a negated operator on an absent key: MinIO negates after the qualifier', async () => {
    // AWS: with no s3:prefix, ForAllValues:... is true and ForAnyValue:... is false, whatever the
    // operator; with Prefix "public/" both StringNotLike "secret/*" forms are true.
    const forAll = doc({ Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [arn(MAIN)], Condition: { 'ForAllValues:StringNotLike': { 's3:prefix': 'secret/*' } } });
    const forAny = doc({ Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [arn(MAIN)], Condition: { 'ForAnyValue:StringNotLike': { 's3:prefix': 'secret/*' } } });
    const all = await h().credentialsFor([forAll]);
    expect(await list(all.s3)).toBe('allowed');
    expect(await list(all.s3, 'public/')).toBe('allowed');
    expect(await list(all.s3, 'secret/')).toBe('AccessDenied');
    const any = await h().credentialsFor([forAny]);
    expect(await list(any.s3)).toBe('AccessDenied');
    expect(await list(any.s3, 'public/')).toBe('allowed');
    expect(await list(any.s3, 'secret/')).toBe('AccessDenied');

    expect(await list((await h().rawCredentialsFor(forAll)).s3)).toBe('AccessDenied');
    expect(await list((await h().rawCredentialsFor(forAny)).s3)).toBe('allowed');
  });

  it('18. aws:EpochTime with a date operator', async () => {
    // AWS: aws:EpochTime takes date and numeric operators; now is before 2100.
    const policy = doc({ Effect: 'Allow', Action: ['s3:GetObject'], Resource: [arn(MAIN, 'public/*')], Condition: { DateLessThan: { 'aws:EpochTime': '2100-01-01T00:00:00Z' } } });
    const compiled = await h().credentialsFor([policy]);
    expect(await get(compiled.s3, 'public/a.txt')).toBe('allowed');
    // MinIO holds aws:EpochTime as seconds, which its date operators cannot read.
    const raw = await h().rawCredentialsFor(policy);
    expect(await get(raw.s3, 'public/a.txt')).toBe('AccessDenied');
  });

  it('19. aws:SecureTransport: Amplify talks HTTPS to S3, MinIO behind the emulator sees HTTP', async () => {
    // AWS: the usual "Deny unless HTTPS" statement never applies to Amplify's HTTPS requests.
    const policy = doc(
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: [arn(MAIN, 'public/*')] },
      { Effect: 'Deny', Action: ['s3:*'], Resource: [arn(MAIN), arn(MAIN, '*')], Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
    );
    const compiled = await h().credentialsFor([policy]);
    expect(await get(compiled.s3, 'public/a.txt')).toBe('allowed');
    const raw = await h().rawCredentialsFor(policy);
    expect(await get(raw.s3, 'public/a.txt')).toBe('AccessDenied');
  });

  it('20. action names are case-insensitive in AWS; MinIO refuses any other spelling', async () => {
    const policy = doc({ Effect: 'Allow', Action: ['S3:GETOBJECT'], Resource: [arn(MAIN, 'public/*')] });
    expect(await refusal(policy)).toMatch(/unsupported action 'S3:GETOBJECT'/);
    const compiled = await h().credentialsFor([policy]);
    expect(await get(compiled.s3, 'public/a.txt')).toBe('allowed');
  });

  it('21. MinIO binds a web-identity session\'s canned policy to its parent user (sub + iss), not to the session', async () => {
    // AWS: each session keeps the role (and so the policies) it was created for, however many
    // other sessions the same identity opens. MinIO stores the policy claim per parent user
    // "openid:<sub>:<iss>": a later AssumeRoleWithWebIdentity with the same sub and iss re-points
    // every earlier session of that parent user at the new policy.
    const readPublic = doc({ Effect: 'Allow', Action: ['s3:GetObject'], Resource: [arn(MAIN, 'public/*')] });
    const readDocs = doc({ Effect: 'Allow', Action: ['s3:GetObject'], Resource: [arn(MAIN, 'docs/*')] });
    const issuer = `${h().issuer}#shared`;
    const first = await h().rawCredentialsFor(readPublic, { issuer });
    expect(await get(first.s3, 'public/a.txt')).toBe('allowed');
    await h().rawCredentialsFor(readDocs, { issuer });
    expect(await get(first.s3, 'public/a.txt')).toBe('AccessDenied');
    expect(await get(first.s3, 'docs/d.txt')).toBe('allowed');

    // A distinct iss per session (what the harness does by default) keeps sessions apart.
    const mine = await h().rawCredentialsFor(readPublic);
    await h().rawCredentialsFor(readDocs);
    expect(await get(mine.s3, 'public/a.txt')).toBe('allowed');
    expect(await get(mine.s3, 'docs/d.txt')).toBe('AccessDenied');
  });

  it('22. a bucket policy is confined to its own bucket, whatever its form (NotResource, NotAction)', async () => {
    // AWS: a bucket policy applies only to requests on its bucket. "Allow s3:GetObject NotResource
    // MAIN/secret/*" in MAIN's policy lets the role read MAIN outside secret/, and nothing in
    // PARTNER; with NotAction it grants no list or put on PARTNER; a Deny with NotResource in
    // MAIN's policy never refuses anything in PARTNER.
    const nothing = doc({ Effect: 'Allow', Action: ['s3:GetBucketLocation'], Resource: [arn(MAIN)] });
    const notResource = await h().credentialsFor([nothing], {
      bucketPolicy: doc({ Effect: 'Allow', Principal: { AWS: HARNESS_ROLE_ARN }, Action: ['s3:GetObject'], NotResource: [arn(MAIN, 'secret/*')] }),
    });
    expect(await get(notResource.s3, 'public/a.txt')).toBe('allowed');
    expect(await get(notResource.s3, 'secret/s.txt')).toBe('AccessDenied');
    expect(await get(notResource.s3, 'uploads/u.txt', PARTNER)).toBe('AccessDenied');

    const notAction = await h().credentialsFor([nothing], {
      bucketPolicy: doc({ Effect: 'Allow', Principal: { AWS: HARNESS_ROLE_ARN }, NotAction: ['s3:DeleteObject'], NotResource: [arn(MAIN, 'secret/*')] }),
    });
    expect(await list(notAction.s3)).toBe('allowed');
    expect(await put(notAction.s3, 'public/')).toBe('allowed');
    expect(await list(notAction.s3, undefined, PARTNER)).toBe('AccessDenied');
    expect(await put(notAction.s3, 'uploads/', PARTNER)).toBe('AccessDenied');
    expect(await get(notAction.s3, 'uploads/u.txt', PARTNER)).toBe('AccessDenied');

    const everywhere = doc({ Effect: 'Allow', Action: ['s3:GetObject'], Resource: [arn(MAIN, '*'), arn(PARTNER, '*')] });
    const deny = await h().credentialsFor([everywhere], {
      bucketPolicy: doc({ Effect: 'Deny', Principal: '*', Action: ['s3:GetObject'], NotResource: [arn(MAIN, 'public/*')] }),
    });
    expect(await get(deny.s3, 'public/a.txt')).toBe('allowed');
    expect(await get(deny.s3, 'secret/s.txt')).toBe('AccessDenied');
    expect(await get(deny.s3, 'uploads/u.txt', PARTNER)).toBe('allowed');
    expect(await get(deny.s3, 'secret/p.txt', PARTNER)).toBe('allowed');
  });

  it('23. wildcards in the region and account fields (arn:aws:s3:*:*:bucket/public/*) match S3 ARNs', async () => {
    // AWS: each ARN field is matched on its own; "*" matches the empty region and account of S3
    // bucket and object ARNs, so the statement grants public/* as arn:aws:s3:::bucket/public/* would.
    const compiled = await h().credentialsFor([doc(
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`arn:aws:s3:*:*:${MAIN}/public/*`] },
      { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [`arn:*:s3:*:*:${PARTNER}`] },
    )]);
    expect(await get(compiled.s3, 'public/a.txt')).toBe('allowed');
    expect(await get(compiled.s3, 'secret/s.txt')).toBe('AccessDenied');
    expect(await list(compiled.s3, undefined, PARTNER)).toBe('allowed');
    expect(await list(compiled.s3)).toBe('AccessDenied');
  });

  it('24. a negated operator on a key the request does not carry is true (NumericNotEquals s3:max-keys, DateNotEquals)', async () => {
    // AWS: "If the key that you specify in a policy condition is not present in the request context,
    // the values do not match" and a negated operator is then true: a list without max-keys is
    // allowed by NumericNotEquals s3:max-keys 500; a plain PutObject (no retention date) is refused
    // by Deny DateNotEquals s3:object-lock-retain-until-date.
    const numeric = doc({ Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [arn(MAIN)], Condition: { NumericNotEquals: { 's3:max-keys': '500' } } });
    const compiled = await h().credentialsFor([numeric]);
    expect(await list(compiled.s3)).toBe('allowed');
    expect(await outcome(compiled.s3.send(new ListObjectsV2Command({ Bucket: MAIN, MaxKeys: 10 })))).toBe('allowed');
    expect(await outcome(compiled.s3.send(new ListObjectsV2Command({ Bucket: MAIN, MaxKeys: 500 })))).toBe('AccessDenied');
    const raw = await h().rawCredentialsFor(numeric);
    expect(await list(raw.s3)).toBe('AccessDenied');

    const date = await h().credentialsFor([doc(
      { Effect: 'Allow', Action: ['s3:PutObject'], Resource: [arn(MAIN, 'public/*')] },
      { Effect: 'Deny', Action: ['s3:PutObject'], Resource: [arn(MAIN, '*')], Condition: { DateNotEquals: { 's3:object-lock-retain-until-date': '2030-01-01T00:00:00Z' } } },
    )]);
    expect(await put(date.s3, 'public/')).toBe('AccessDenied');
  });

  it('25. a versioned GET is s3:GetObjectVersion, a GET without versionId is s3:GetObject', async () => {
    // AWS: "To return a different version, use the versionId subresource ... you need the
    // s3:GetObjectVersion permission" (GetObject API reference); s3:GetObject alone does not
    // authorise it, and s3:GetObjectVersion alone does not authorise a GET without versionId.
    const { admin } = h();
    await admin.client.setBucketVersioning(VERSIONED, { Status: 'Enabled' });
    await admin.putObject(VERSIONED, 'public/v.txt', 'v1');
    const versionId = (await admin.client.statObject(VERSIONED, 'public/v.txt')).versionId!;
    const getV = (s3: S3Client, v?: string) => outcome(s3.send(new GetObjectCommand({ Bucket: VERSIONED, Key: 'public/v.txt', ...(v ? { VersionId: v } : {}) })));
    const headV = (s3: S3Client, v?: string) => outcomeWithStatus(s3.send(new HeadObjectCommand({ Bucket: VERSIONED, Key: 'public/v.txt', ...(v ? { VersionId: v } : {}) })));

    const getOnly = await h().credentialsFor([doc({ Effect: 'Allow', Action: ['s3:GetObject'], Resource: [arn(VERSIONED, '*')] })]);
    expect(await getV(getOnly.s3)).toBe('allowed');
    expect(await getV(getOnly.s3, versionId)).toBe('AccessDenied');
    expect(await headV(getOnly.s3, versionId)).toMatch(/^403 /);
    expect(await headV(getOnly.s3)).toBe('allowed');
    const versionOnly = await h().credentialsFor([doc({ Effect: 'Allow', Action: ['s3:GetObjectVersion'], Resource: [arn(VERSIONED, '*')] })]);
    expect(await getV(versionOnly.s3)).toBe('AccessDenied');
    expect(await getV(versionOnly.s3, versionId)).toBe('allowed');
    const both = await h().credentialsFor([doc({ Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: [arn(VERSIONED, '*')] })]);
    expect(await getV(both.s3)).toBe('allowed');
    expect(await getV(both.s3, versionId)).toBe('allowed');
    // A Deny of s3:GetObject leaves versioned GETs alone, as in AWS.
    const denyGet = await h().credentialsFor([doc(
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: [arn(VERSIONED, '*')] },
      { Effect: 'Deny', Action: ['s3:GetObject'], Resource: [arn(VERSIONED, '*')] },
    )]);
    expect(await getV(denyGet.s3)).toBe('AccessDenied');
    expect(await getV(denyGet.s3, versionId)).toBe('allowed');
    // Raw MinIO checks s3:GetObject for both.
    const raw = await h().rawCredentialsFor(doc({ Effect: 'Allow', Action: ['s3:GetObject'], Resource: [arn(VERSIONED, '*')] }));
    expect(await getV(raw.s3, versionId)).toBe('allowed');
  });

  it('26. not closed: a cross-account session policy over 2048 bytes gets no credentials (MinIO caps session policies)', async () => {
    // AWS: cross account, allowed ⇔ identity policy AND the bucket owner's policy allow; there is
    // no size limit that depends on the bucket policy. MinIO refuses a session policy over 2048
    // characters, and a cross-account bucket policy is enforced as one, so such a role gets no
    // credentials: the compiler warns, and AssumeRoleWithWebIdentity fails loudly.
    const everythingBut = (action: string): IamStatement => ({ Effect: 'Allow', Principal: { AWS: HARNESS_ROLE_ARN }, NotAction: [action], Resource: [arn(PARTNER), arn(PARTNER, '*')] });
    const bucketPolicy = doc(everythingBut('s3:DeleteObject'), everythingBut('s3:PutObject'));
    const err = await h().credentialsFor([doc({ Effect: 'Allow', Action: ['s3:GetObject'], Resource: [arn(PARTNER, '*')] })], { bucket: PARTNER, bucketPolicy, crossAccount: true })
      .then(() => undefined, (e: unknown) => e as Error);
    expect(err?.message).toMatch(/Session policy should not exceed 2048 characters/);
    const [, auth] = buildRolePolicies({
      accountId: '111122223333',
      roles: { guest: { arn: 'arn:aws:iam::111122223333:role/g', policies: [] }, authenticated: { arn: HARNESS_ROLE_ARN, policies: [] }, groups: {} },
      buckets: [{ name: PARTNER, bucketName: PARTNER, region: 'us-east-1', bucketPolicy, crossAccount: true }],
    });
    expect(auth!.warnings.join('\n')).toMatch(/the session policy is about \d+ bytes; MinIO refuses session policies over 2048/);
  });

  it('27. policy version 2008-10-17: "${cognito-identity.amazonaws.com:sub}" is literal text, so a NotResource naming it excludes nothing real', async () => {
    // AWS: policy variables exist from version 2012-10-17 on; under 2008-10-17 "${...}" is plain
    // text, so NotResource "b/${cognito-identity.amazonaws.com:sub}/*" excludes no real key and
    // the Allow covers the caller's own folder too. (Found by the differential test, seed s1.)
    const policy: IamPolicyDocument = { Version: '2008-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:PutObject'], NotResource: [arn(MAIN, `${SUB}/*`)] }] };
    const compiled = await h().credentialsFor([policy]);
    expect(await put(compiled.s3, `${ME}/`)).toBe('allowed');
    expect(await put(compiled.s3, 'public/')).toBe('allowed');
  });

  it('28. not closed: an exact object ARN (no wildcard) also matches the key with a trailing "/" in MinIO', async () => {
    // AWS: Resource arn:aws:s3:::b/docs matches the object ARN of key "docs" only, so GET "docs/"
    // is denied. MinIO cleans the path before matching, so the same statement grants "docs/" too.
    // It stays: only a key ending in "/" (a folder marker, which Amplify never writes) is affected,
    // and a Deny for it would also refuse "docs" in MinIO.
    await h().admin.putObject(MAIN, 'docs', 'file');
    await h().admin.putObject(MAIN, 'docs/', 'folder marker');
    const compiled = await h().credentialsFor([doc({ Effect: 'Allow', Action: ['s3:GetObject'], Resource: [arn(MAIN, 'docs')] })]);
    expect(await get(compiled.s3, 'docs')).toBe('allowed');
    expect(await get(compiled.s3, 'docs/')).toBe('allowed'); // AWS: AccessDenied
    expect(await get(compiled.s3, 'docs/d.txt')).toBe('AccessDenied');
  });

  it('29. not closed: "?" matches one byte in MinIO, one character in AWS', async () => {
    // AWS: "?" matches any single character, so arn:aws:s3:::b/caf?.txt matches "café.txt". MinIO
    // compares bytes, and "é" is two bytes in UTF-8, so it does not. It stays: rewriting "?" cannot
    // know how many bytes the character will take; it fails closed (denies), and only keys with
    // non-ASCII characters under a "?" pattern are affected.
    await h().admin.putObject(MAIN, 'café.txt', 'x');
    await h().admin.putObject(MAIN, 'cafe.txt', 'x');
    const compiled = await h().credentialsFor([doc({ Effect: 'Allow', Action: ['s3:GetObject'], Resource: [arn(MAIN, 'caf?.txt')] })]);
    expect(await get(compiled.s3, 'cafe.txt')).toBe('allowed');
    expect(await get(compiled.s3, 'café.txt')).toBe('AccessDenied'); // AWS: allowed
  });

  it('13. an expired session: MinIO refuses with 403 (InvalidAccessKeyId; AWS says ExpiredToken, which the transport maps)', async () => {
    // AWS: a request with expired session credentials fails with ExpiredToken.
    const { s3, credentials } = await h().credentialsFor(
      [doc({ Effect: 'Allow', Action: ['s3:GetObject'], Resource: [arn(MAIN, '*')] })],
      { expiresInSeconds: 3 },
    );
    expect(await get(s3, 'public/a.txt')).toBe('allowed');
    await new Promise((r) => setTimeout(r, Math.max(0, credentials.expiration.getTime() - Date.now()) + 1_000));
    expect(await outcomeWithStatus(s3.send(new GetObjectCommand({ Bucket: MAIN, Key: 'public/a.txt' })))).toBe('403 InvalidAccessKeyId');
  });
});

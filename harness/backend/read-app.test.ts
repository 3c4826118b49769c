import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readAssembly } from './assembly.js';
import { readBackendApp } from './read-app.js';

const PLAIN = resolve('test/fixtures/templates/plain-cfn.template.json');
const scratch = mkdtempSync(join(tmpdir(), 'ase-read-app-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('readBackendApp on a plain CloudFormation template', () => {
  const app = readBackendApp(readAssembly(PLAIN, { region: 'eu-central-1', accountId: '444455556666' }));

  it('reads the role attachment, guest access and the groups with their roles and precedence', () => {
    expect(app.guestAccess).toBe(false);
    expect(app.roleMapping).toEqual({ type: 'Token', ambiguousRoleResolution: 'AuthenticatedRole' });
    expect(app.roles.authenticated?.arn).toBe('arn:aws:iam::444455556666:role/app-auth');
    expect(app.roles.guest?.arn).toMatch(/^arn:aws:iam::444455556666:role\/plain-cfn-GuestRole-[A-Z0-9]{13}$/);
    expect(app.groups).toEqual([expect.objectContaining({ name: 'editors', precedence: 2, source: 'plain-cfn/Editors' })]);
    expect(app.groups[0]!.role?.arn).toMatch(/^arn:aws:iam::444455556666:role\/groups\/plain-cfn-EditorsRole-/);
  });

  it('attaches every kind of policy to its role, resolved, with where it came from', () => {
    expect(app.roles.authenticated?.policies.map((p) => p.source)).toEqual(['plain-cfn/AuthRole#Policies[inline]', 'plain-cfn/Shared']);
    expect(app.roles.authenticated?.policies[0]!.document.Statement).toEqual([
      { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::files-444455556666-eu-central-1/public/*' },
    ]);
    expect(app.groups[0]!.role?.policies).toEqual([{
      source: 'plain-cfn/EditorsPolicy',
      document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:PutObject', 's3:DeleteObject'], Resource: 'arn:aws:s3:::files-444455556666-eu-central-1/prod/*' }] },
    }]);
    expect(app.roles.guest?.policies).toEqual([]);
    expect(app.warnings).toEqual([expect.stringContaining('managed policy arn:aws:iam::aws:policy/ReadOnlyAccess is not in the templates')]);
  });

  it('reads the bucket policy and CORS rules in the S3 API shape', () => {
    expect(app.buckets).toEqual([{
      bucketName: 'files-444455556666-eu-central-1',
      source: 'plain-cfn/Files',
      cors: [{ AllowedMethods: ['GET', 'PUT'], AllowedOrigins: ['https://app.example.com'], ExposeHeaders: ['ETag'], MaxAgeSeconds: 600 }],
      bucketPolicy: expect.objectContaining({ source: 'plain-cfn/FilesPolicy' }),
    }]);
  });

  it('names the template, the logical ID and the expression it cannot resolve', () => {
    const file = join(scratch, 'imports.template.json');
    writeFileSync(file, JSON.stringify({ Resources: {
      Role: { Type: 'AWS::IAM::Role', Properties: {} },
      Attachment: { Type: 'AWS::Cognito::IdentityPoolRoleAttachment', Properties: { IdentityPoolId: 'eu-central-1:x', Roles: { authenticated: { 'Fn::GetAtt': ['Role', 'Arn'] } } } },
      Policy: { Type: 'AWS::IAM::Policy', Properties: { Roles: [{ Ref: 'Role' }], PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: { 'Fn::ImportValue': 'SharedBucketArn' } }] } } },
    } }));
    expect(() => readBackendApp(readAssembly(file, { region: 'eu-central-1', accountId: '444455556666' })))
      .toThrow(`${file}: Policy: cannot resolve {"Fn::ImportValue":"SharedBucketArn"}: an export of another deployed stack cannot be known offline`);
  });

  it('says when there is no identity pool to hand out credentials', () => {
    const file = join(scratch, 'no-auth.template.json');
    writeFileSync(file, JSON.stringify({ Resources: { Files: { Type: 'AWS::S3::Bucket' } } }));
    expect(() => readBackendApp(readAssembly(file, { region: 'eu-central-1', accountId: '444455556666' })))
      .toThrow(/no AWS::Cognito::IdentityPoolRoleAttachment, so no role hands out storage credentials; does the backend define auth/);
  });
});

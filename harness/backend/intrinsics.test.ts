import { describe, expect, it } from 'vitest';
import { IntrinsicError, resolveValue, type StackScope, type Template } from './intrinsics.js';

const scope = (template: Template, extra: Partial<StackScope> = {}): StackScope => ({
  file: 'app.template.json', template, stackName: 'app', region: 'eu-west-1', accountId: '111122223333', ...extra,
});

const template: Template = {
  Parameters: { Env: { Type: 'String', Default: 'dev' }, Passed: { Type: 'String' }, Boot: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/cdk' } },
  Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] } },
  Mappings: { Names: { dev: { bucket: 'dev-bucket' } } },
  Resources: {
    Role: { Type: 'AWS::IAM::Role', Properties: {} },
    Named: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'my-role', Path: '/app/' } },
    Bucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: { 'Fn::Join': ['-', ['files', { Ref: 'AWS::AccountId' }]] } } },
    Anonymous: { Type: 'AWS::S3::Bucket' },
    Pool: { Type: 'AWS::Cognito::IdentityPool', Properties: {} },
    Nested: { Type: 'AWS::CloudFormation::Stack', Properties: {} },
    Queue: { Type: 'AWS::SQS::Queue' },
  },
};

describe('resolveValue', () => {
  const s = scope(template, { parameters: { Passed: 'from-parent' }, nestedOutput: (id, out) => `${id}:${out}` });
  const r = (v: unknown) => resolveValue(v, s, 'Thing');

  it('resolves pseudo parameters, parameters (passed, default) and physical names', () => {
    expect(r({ Ref: 'AWS::Region' })).toBe('eu-west-1');
    expect(r({ Ref: 'AWS::AccountId' })).toBe('111122223333');
    expect(r({ Ref: 'AWS::Partition' })).toBe('aws');
    expect(r({ Ref: 'AWS::URLSuffix' })).toBe('amazonaws.com');
    expect(r({ Ref: 'Env' })).toBe('dev');
    expect(r({ Ref: 'Passed' })).toBe('from-parent');
    expect(r({ Ref: 'Bucket' })).toBe('files-111122223333');
    expect(r({ 'Fn::GetAtt': ['Named', 'Arn'] })).toBe('arn:aws:iam::111122223333:role/app/my-role');
    // Unnamed resources get CloudFormation's <stack>-<logicalId>-<suffix>, the same every time.
    expect(r({ Ref: 'Role' })).toMatch(/^app-Role-[A-Z0-9]{13}$/);
    expect(r({ Ref: 'Role' })).toBe(r({ Ref: 'Role' }));
    expect(r({ Ref: 'Anonymous' })).toMatch(/^app-anonymous-[a-z0-9]{13}$/);
    expect(r({ 'Fn::GetAtt': 'Role.Arn' })).toBe(`arn:aws:iam::111122223333:role/${r({ Ref: 'Role' }) as string}`);
    expect(r({ Ref: 'Pool' })).toMatch(/^eu-west-1:[0-9a-f-]{36}$/);
    expect(r({ 'Fn::GetAtt': ['Nested', 'Outputs.RoleArn'] })).toBe('Nested:RoleArn');
  });

  it('resolves Join, Sub, Select, Split, If, FindInMap and AWS::NoValue, deep inside documents', () => {
    expect(r({ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${Bucket}/${Env}/*' })).toBe('arn:aws:s3:::files-111122223333/dev/*');
    expect(r({ 'Fn::Sub': ['${Name}/${Bucket.Arn}', { Name: { Ref: 'Env' } }] })).toBe('dev/arn:aws:s3:::files-111122223333');
    expect(r({ 'Fn::Sub': 'keep ${!Literal}' })).toBe('keep ${Literal}');
    expect(r({ 'Fn::Select': [1, { 'Fn::Split': [',', 'a,b,c'] }] })).toBe('b');
    expect(r({ 'Fn::If': ['IsProd', 'p', 'd'] })).toBe('d');
    expect(r({ 'Fn::FindInMap': ['Names', { Ref: 'Env' }, 'bucket'] })).toBe('dev-bucket');
    expect(r({
      Statement: [{ Resource: [{ 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Bucket', 'Arn'] }, '/public/*']] }, { Ref: 'AWS::NoValue' }], Sid: { Ref: 'AWS::NoValue' } }],
    })).toEqual({ Statement: [{ Resource: ['arn:aws:s3:::files-111122223333/public/*'] }] });
    // Policy variables are not Fn::Sub variables outside Fn::Sub.
    expect(r('protected/${cognito-identity.amazonaws.com:sub}/*')).toBe('protected/${cognito-identity.amazonaws.com:sub}/*');
  });

  it('names the template, the logical ID and the expression when a value cannot be known offline', () => {
    const failure = (v: unknown) => {
      try {
        r(v);
      } catch (e) {
        expect(e).toBeInstanceOf(IntrinsicError);
        return (e as Error).message;
      }
      throw new Error('resolved');
    };
    expect(failure({ 'Fn::ImportValue': 'shared-bucket' })).toBe('app.template.json: Thing: cannot resolve {"Fn::ImportValue":"shared-bucket"}: an export of another deployed stack cannot be known offline');
    expect(failure({ Ref: 'Missing' })).toContain('Missing is neither a parameter nor a resource of this template');
    expect(failure({ Ref: 'Boot' })).toContain('parameter Boot is read from SSM at deploy time');
    expect(failure({ 'Fn::GetAtt': ['Queue', 'Arn'] })).toContain('attribute Arn of a AWS::SQS::Queue cannot be known offline');
    expect(failure({ 'Fn::Sub': '${Nope}' })).toContain('cannot resolve {"Fn::Sub":"${Nope}"}');
  });
});

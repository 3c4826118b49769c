/**
 * What Amplify synthesized for a parity case, read from its cloud assembly: for each bucket, the
 * amplify_outputs.json `paths` Amplify writes, and every AWS::IAM::Policy of the storage stack traced
 * to its role (the identity pool's role attachment for guest and authenticated,
 * AWS::Cognito::UserPoolGroup RoleArn for groups), bucket ARNs resolved to `arn:aws:s3:::<name>`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRecord } from '../../emulator/values.js';

type Json = unknown;
type Template = { Resources?: Record<string, { Type: string; Properties?: Record<string, Json>; Metadata?: Record<string, Json> }>; Outputs?: Record<string, { Value: Json }>; Parameters?: Record<string, Json> };

export interface AmplifyRolePolicy {
  /** `guest`, `authenticated` or `group:<name>`. */
  role: string;
  statements: unknown[];
  /** The document as CDK wrote it (key order kept). */
  document: unknown;
}

export interface AmplifyBucket {
  /** defineStorage name. */
  name: string;
  paths: Record<string, Record<string, string[]>>;
  policies: AmplifyRolePolicy[];
}

export interface AmplifyResult {
  buckets: AmplifyBucket[];
}

export function readAmplifyAssembly(assemblyDir: string): AmplifyResult {
  type Artifact = { type: string; properties?: { templateFile?: string; file?: string } };
  const manifest = JSON.parse(readFileSync(join(assemblyDir, 'manifest.json'), 'utf8')) as { artifacts: Record<string, Artifact> };
  const rootArtifact = Object.values(manifest.artifacts).find((a) => a.type === 'aws:cloudformation:stack');
  if (!rootArtifact?.properties?.templateFile) throw new Error(`${assemblyDir}: no stack in the cloud assembly`);
  const load = (file: string): Template => JSON.parse(readFileSync(join(assemblyDir, file), 'utf8')) as Template;
  const root = load(rootArtifact.properties.templateFile);
  // Nested stacks' templates are file assets: TemplateURL ends in `<asset hash>.json`.
  const assetFiles = new Map<string, string>();
  for (const a of Object.values(manifest.artifacts)) {
    if (a.type !== 'cdk:asset-manifest' || !a.properties?.file) continue;
    const assets = JSON.parse(readFileSync(join(assemblyDir, a.properties.file), 'utf8')) as { files?: Record<string, { source: { path: string } }> };
    for (const [hash, f] of Object.entries(assets.files ?? {})) assetFiles.set(hash, f.source.path);
  }
  const nested = new Map<string, Template>();
  for (const [id, r] of Object.entries(root.Resources ?? {})) {
    if (r.Type !== 'AWS::CloudFormation::Stack') continue;
    const hash = /([0-9a-f]{64})\.json/.exec(JSON.stringify(r.Properties?.['TemplateURL']))?.[1];
    const file = hash ? assetFiles.get(hash) : undefined;
    if (file) nested.set(id, load(file));
  }
  const templates: Array<[string | undefined, Template]> = [[undefined, root], ...nested];

  // Roles: logical ID (qualified by its stack) → guest / authenticated / group:<name>.
  const roleKinds = new Map<string, string>();
  const roleOf = (stack: string | undefined, value: Json): string | undefined => {
    const getAtt = isRecord(value) ? value['Fn::GetAtt'] : undefined;
    return Array.isArray(getAtt) && getAtt[1] === 'Arn' ? `${stack ?? ''}/${String(getAtt[0])}` : undefined;
  };
  for (const [stack, t] of templates) {
    for (const r of Object.values(t.Resources ?? {})) {
      if (r.Type === 'AWS::Cognito::IdentityPoolRoleAttachment') {
        const roles = r.Properties?.['Roles'];
        if (!isRecord(roles)) continue;
        const auth = roleOf(stack, roles['authenticated']);
        const unauth = roleOf(stack, roles['unauthenticated']);
        if (auth) roleKinds.set(auth, 'authenticated');
        if (unauth) roleKinds.set(unauth, 'guest');
      }
      if (r.Type === 'AWS::Cognito::UserPoolGroup') {
        const role = roleOf(stack, r.Properties?.['RoleArn']);
        if (role) roleKinds.set(role, `group:${String(r.Properties?.['GroupName'])}`);
      }
    }
  }

  /** A nested stack's output, by the root's `Fn::GetAtt: [stack, 'Outputs.<name>']`. */
  const nestedOutput = (value: Json): { stack: string; value: Json } | undefined => {
    const getAtt = isRecord(value) ? value['Fn::GetAtt'] : undefined;
    if (!Array.isArray(getAtt) || typeof getAtt[1] !== 'string' || !getAtt[1].startsWith('Outputs.')) return undefined;
    const stack = String(getAtt[0]);
    const out = nested.get(stack)?.Outputs?.[getAtt[1].slice('Outputs.'.length)];
    return out ? { stack, value: out.Value } : undefined;
  };
  /** The role a policy's `Roles` entry names: a local role, or one passed in as a stack parameter. */
  const policyRole = (stack: string | undefined, ref: Json): string | undefined => {
    const name = isRecord(ref) ? ref['Ref'] : undefined;
    if (typeof name !== 'string') return undefined;
    const local = `${stack ?? ''}/${name}`;
    if (roleKinds.has(local)) return roleKinds.get(local);
    const passed = stack ? (root.Resources?.[stack]?.Properties?.['Parameters'] as Record<string, Json> | undefined)?.[name] : undefined;
    const output = nestedOutput(passed);
    const target = output && isRecord(output.value) ? output.value['Ref'] : undefined;
    return typeof target === 'string' ? roleKinds.get(`${output!.stack}/${target}`) : undefined;
  };

  // Buckets: the storage output names each bucket; its bucketName token leads to the bucket resource.
  const bucketNames = new Map<string, string>(); // "<stack>/<bucket logical ID>" → defineStorage name
  const bucketsOutput = root.Outputs?.['buckets']?.Value;
  const tokens: string[] = [];
  const text = resolveJoin(bucketsOutput, (token) => {
    tokens.push(JSON.stringify(token));
    return `@@token${tokens.length - 1}@@`;
  });
  const entries = (JSON.parse(text) as string[]).map((s) => JSON.parse(s) as { name: string; bucketName: string; paths?: Record<string, Record<string, string[]>> });
  const buckets: AmplifyBucket[] = entries.map((e) => {
    const token = /^@@token(\d+)@@$/.exec(e.bucketName);
    const output = token ? nestedOutput(JSON.parse(tokens[Number(token[1])]!) as Json) : undefined;
    const ref = output && isRecord(output.value) ? output.value['Ref'] : undefined;
    if (typeof ref === 'string') bucketNames.set(`${output!.stack}/${ref}`, e.name);
    return { name: e.name, paths: e.paths ?? {}, policies: [] };
  });

  for (const [stack, t] of templates) {
    for (const r of Object.values(t.Resources ?? {})) {
      if (r.Type !== 'AWS::IAM::Policy') continue;
      let bucket: string | undefined;
      const resolveArn = (value: Json): string => resolveJoin(value, (token) => {
        const getAtt = isRecord(token) ? token['Fn::GetAtt'] : undefined;
        const name = Array.isArray(getAtt) && getAtt[1] === 'Arn' ? bucketNames.get(`${stack ?? ''}/${String(getAtt[0])}`) : undefined;
        if (!name) throw new Error(`unresolved token in a policy resource: ${JSON.stringify(token)}`);
        bucket ??= name;
        return `arn:aws:s3:::${name}`;
      });
      const document = r.Properties?.['PolicyDocument'] as { Statement: Array<Record<string, Json>> };
      const statements = document.Statement.map((st) => {
        const out: Record<string, Json> = {};
        for (const [k, v] of Object.entries(st)) out[k] = k === 'Resource' ? (Array.isArray(v) ? v.map(resolveArn) : resolveArn(v)) : v;
        return out;
      });
      const roles = (r.Properties?.['Roles'] as Json[] | undefined) ?? [];
      for (const ref of roles) {
        const role = policyRole(stack, ref);
        const target = buckets.find((b) => b.name === bucket);
        // Policies of roles the client never holds (a backend function's) are not compared.
        if (role && target) target.policies.push({ role, statements, document: { ...document, Statement: statements } });
      }
    }
  }
  return { buckets };
}

/** A string value with `Fn::Join` resolved; `token` renders whatever else it meets. */
function resolveJoin(value: Json, token: (t: Json) => string): string {
  if (typeof value === 'string') return value;
  const join = isRecord(value) ? value['Fn::Join'] : undefined;
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
    return join[1].map((part: Json) => resolveJoin(part, token)).join(join[0]);
  }
  return token(value);
}

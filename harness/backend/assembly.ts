/**
 * Reading a CDK cloud assembly (`cdk.out`: manifest.json, templates, nested templates) or a single
 * CloudFormation template into stacks whose values resolve as a deployment would
 * (intrinsics.ts): nested stacks get their parameters from their parent, and their outputs are
 * what `Fn::GetAtt [Nested, Outputs.X]` gives the parent.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { BackendError } from './errors.js';
import { nestedStackName, resolveValue, type StackScope, type Template, type TemplateResource } from './intrinsics.js';

export interface AssemblyStack {
  /** `root` for a top-level stack, `root/logicalId` for nested ones. */
  path: string;
  file: string;
  template: Template;
  scope: StackScope;
}

export interface LoadedAssembly {
  /** The assembly folder or template file read. */
  source: string;
  /** Every stack, parents before their nested stacks. */
  stacks: AssemblyStack[];
  /** The top-level stacks. */
  roots: AssemblyStack[];
}

export interface ReadAssemblyOptions {
  region: string;
  accountId: string;
}

interface Manifest {
  artifacts?: Record<string, { type: string; environment?: string; properties?: { templateFile?: string; stackName?: string } }>;
}

/**
 * Reads `source`: a cloud assembly folder (with manifest.json), or a template file (.json). A
 * nested stack's template is found through the `aws:asset:path` metadata CDK writes beside it.
 */
export function readAssembly(source: string, options: ReadAssemblyOptions): LoadedAssembly {
  const abs = resolve(source);
  if (!existsSync(abs)) throw new BackendError('template-invalid', `${source}: no such file or folder; give a cdk.out folder or a template .json`);
  const roots: Array<{ file: string; stackName: string }> = [];
  let dir: string;
  if (statSync(abs).isDirectory()) {
    dir = abs;
    const manifestFile = join(abs, 'manifest.json');
    if (!existsSync(manifestFile)) throw new BackendError('template-invalid', `${source}: no manifest.json; give a cloud assembly folder (cdk.out) or a template .json`);
    const manifest = readJson(manifestFile) as Manifest;
    for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
      if (artifact.type !== 'aws:cloudformation:stack' || !artifact.properties?.templateFile) continue;
      roots.push({ file: join(abs, artifact.properties.templateFile), stackName: artifact.properties.stackName ?? id });
    }
    if (roots.length === 0) throw new BackendError('template-invalid', `${manifestFile}: the assembly holds no CloudFormation stack`);
  } else {
    dir = dirname(abs);
    roots.push({ file: abs, stackName: basename(abs).replace(/\.template\.json$|\.json$/, '') });
  }

  const assets = nestedTemplateFiles(dir);
  const stacks: AssemblyStack[] = [];
  const load = (file: string, stackName: string, path: string, parameters?: () => Record<string, unknown>): AssemblyStack => {
    const template = readJson(file) as Template;
    if (!template || typeof template !== 'object' || typeof template.Resources !== 'object') {
      throw new BackendError('template-invalid', `${file}: not a CloudFormation template (no Resources)`);
    }
    const children = new Map<string, AssemblyStack>();
    let resolvedParameters: Record<string, unknown> | undefined;
    const scope: StackScope = {
      file,
      template,
      stackName,
      region: options.region,
      accountId: options.accountId,
      get parameters() {
        if (!parameters) return undefined;
        resolvedParameters ??= parameters();
        return resolvedParameters;
      },
      nestedOutput: (logicalId, output) => {
        const child = children.get(logicalId);
        if (!child) throw new BackendError('template-invalid', `${file}: ${logicalId}: the nested stack's template is not in ${dir}`);
        const value = child.template.Outputs?.[output];
        if (!value) throw new BackendError('template-invalid', `${child.file}: has no output ${output} (asked for by ${file}: ${logicalId})`);
        return resolveValue(value.Value, child.scope, `Outputs.${output}`);
      },
    };
    const stack: AssemblyStack = { path, file, template, scope };
    stacks.push(stack);
    for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
      if (resource.Type !== 'AWS::CloudFormation::Stack') continue;
      const assetPath = nestedTemplatePath(resource, scope, logicalId, assets);
      if (!assetPath || !existsSync(join(dir, assetPath))) continue;
      const childParameters = () => (resolveValue(resource.Properties?.['Parameters'] ?? {}, scope, logicalId) as Record<string, unknown>);
      children.set(logicalId, load(join(dir, assetPath), nestedStackName(scope, logicalId), `${path}/${logicalId}`, childParameters));
    }
    return stack;
  };
  const rootStacks = roots.map((r) => load(r.file, r.stackName, r.stackName));
  return { source: abs, stacks, roots: rootStacks };
}

/** Nested templates by the object key they are published under (`<stack>.assets.json` files). */
function nestedTemplateFiles(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.assets.json')) continue;
    const manifest = readJson(join(dir, name)) as { files?: Record<string, { source?: { path?: string }; destinations?: Record<string, { objectKey?: string }> }> };
    for (const [hash, file] of Object.entries(manifest.files ?? {})) {
      if (!file.source?.path?.endsWith('.json')) continue;
      out.set(hash, file.source.path);
      for (const d of Object.values(file.destinations ?? {})) if (d.objectKey) out.set(d.objectKey, file.source.path);
    }
  }
  return out;
}

/** CDK names a nested template in `aws:asset:path` metadata, or publishes it as an asset its TemplateURL ends with. */
function nestedTemplatePath(resource: TemplateResource, scope: StackScope, logicalId: string, assets: Map<string, string>): string | undefined {
  const assetPath = resource.Metadata?.['aws:asset:path'];
  if (typeof assetPath === 'string') return assetPath;
  const url = resource.Properties?.['TemplateURL'];
  if (url === undefined) return undefined;
  const resolved = resolveValue(url, scope, logicalId);
  if (typeof resolved !== 'string') return undefined;
  return assets.get(resolved.slice(resolved.lastIndexOf('/') + 1));
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new BackendError('template-invalid', `${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new BackendError('template-invalid', `${file}: not valid JSON (${(e as Error).message})`);
  }
}

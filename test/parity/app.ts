/**
 * One corpus case as the two inputs the parity test compares: a small Amplify Gen2 app (its
 * amplify/ folder: auth/resource, storage/resource, backend) for Amplify to synthesize, and the
 * same definition as an emulator `paths` map in the defineStorage form.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ParityBucket, ParityCase } from './corpus.js';

interface Rule {
  who: 'guest' | 'authenticated' | 'entity' | 'function' | { groups: string[] };
  actions: string[];
}

export function parseRule(text: string): Rule {
  const [who = '', ...actions] = text.trim().split(/\s+/);
  if (who.startsWith('groups:')) return { who: { groups: who.slice('groups:'.length).split(',') }, actions };
  if (who === 'guest' || who === 'authenticated' || who === 'entity' || who === 'function') return { who, actions };
  throw new Error(`corpus: unknown rule "${text}"`);
}

const ruleSource = (rule: Rule): string => {
  const to = `.to(${JSON.stringify(rule.actions)})`;
  if (typeof rule.who === 'object') return `allow.groups(${JSON.stringify(rule.who.groups)})${to}`;
  if (rule.who === 'entity') return `allow.entity('identity')${to}`;
  if (rule.who === 'function') return `allow.resource(backendFunction)${to}`;
  return `allow.${rule.who}${to}`;
};

/** The emulator's `paths` map for a bucket: access keys in rule order; function rules as `resource`. */
export function emulatorPaths(bucket: ParityBucket): Record<string, Record<string, string[]>> {
  return Object.fromEntries(Object.entries(bucket.access).map(([path, rules]) => {
    const map: Record<string, string[]> = {};
    for (const rule of rules.map(parseRule)) {
      const keys = typeof rule.who === 'object'
        ? rule.who.groups.map((g) => `groups${g}`)
        : [{ guest: 'guest', authenticated: 'authenticated', entity: 'entityidentity', function: 'resource' }[rule.who]];
      for (const key of keys) {
        if (key in map) throw new Error(`corpus: ${path} names ${key} twice, which a paths map cannot hold`);
        map[key] = rule.actions;
      }
    }
    return [path, map];
  }));
}

/**
 * Writes the app for `c` under `dir` (amplify/ inside it). The backend function is a stand-in
 * that implements Amplify's ResourceAccessAcceptorFactory contract (what `allow.resource` takes):
 * a real defineFunction would need esbuild or Docker to bundle offline, and the emulator does not
 * run functions; Amplify's own orchestrator still decides every client role's statements.
 */
export function writeCaseApp(c: ParityCase, dir: string): void {
  const amplify = join(dir, 'amplify');
  mkdirSync(join(amplify, 'auth'), { recursive: true });
  mkdirSync(join(amplify, 'storage'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'parity-case', private: true, type: 'module' })}\n`);
  writeFileSync(join(amplify, 'package.json'), `${JSON.stringify({ type: 'module' })}\n`);
  writeFileSync(join(amplify, 'auth', 'resource.mjs'), [
    "import { defineAuth } from '@aws-amplify/backend';",
    `export const auth = defineAuth({ loginWith: { email: true }${c.groups?.length ? `, groups: ${JSON.stringify(c.groups)}` : ''} });`,
    '',
  ].join('\n'));
  const storages = c.buckets.map((b, i) => {
    const entries = Object.entries(b.access).map(([path, rules]) => `    ${JSON.stringify(path)}: [${rules.map((r) => ruleSource(parseRule(r))).join(', ')}],`);
    const isDefault = c.buckets.length > 1 ? `, isDefault: ${b.isDefault === true}` : '';
    return `export const storage${i} = defineStorage({ name: ${JSON.stringify(b.name)}${isDefault}, access: (allow) => ({\n${entries.join('\n')}\n  }) });`;
  });
  writeFileSync(join(amplify, 'storage', 'resource.mjs'), [
    "import { defineStorage } from '@aws-amplify/backend';",
    '/** Stands for a backend function: what allow.resource() takes (see test/parity/app.ts). */',
    'const backendFunction = { getInstance: () => ({ getResourceAccessAcceptor: () => ({ identifier: \'backendFunction\', acceptResourceAccess: () => {} }) }) };',
    ...storages,
    '',
  ].join('\n'));
  writeFileSync(join(amplify, 'backend.mjs'), [
    "import { defineBackend } from '@aws-amplify/backend';",
    "import { auth } from './auth/resource.mjs';",
    `import { ${c.buckets.map((_, i) => `storage${i}`).join(', ')} } from './storage/resource.mjs';`,
    `defineBackend({ auth, ${c.buckets.map((_, i) => `storage${i}`).join(', ')} });`,
    '',
  ].join('\n'));
}

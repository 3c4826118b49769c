/**
 * The Node versions the README promises are the ones every installed dependency accepts: a
 * dependency whose `engines` asks for more (cookie@2 wanted Node ≥ 22) makes `npm ci` warn on 20
 * and may break there. Checked against the lockfile, so a new dependency cannot slip past.
 */
import { readFileSync } from 'node:fs';
import semver from 'semver';
import { expect, it } from 'vitest';

const root = new URL('../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[]; dev?: boolean }>;
};
const readme = readFileSync(new URL('README.md', root), 'utf8');

it('the README states the same Node floor as package.json', () => {
  const floor = semver.minVersion(pkg.engines.node)!;
  expect(readme).toContain(`Node.js ≥ ${floor.major}`);
});

function refusing(version: string, which: 'runtime' | 'dev'): string[] {
  return Object.entries(lock.packages)
    .filter(([name, entry]) => name !== '' && (which === 'dev') === (entry.dev === true))
    .flatMap(([name, entry]) => {
      const range = !Array.isArray(entry.engines) ? entry.engines?.node : undefined;
      return range && !semver.satisfies(version, range) ? [`${name.replace(/^.*node_modules\//, '')}@${entry.version} wants node ${range}`] : [];
    });
}

it.each(['20', '22', '24'])('every runtime dependency accepts Node %s from the first release the package supports', (major) => {
  const floor = semver.minVersion(pkg.engines.node)!;
  const version = semver.gt(`${major}.0.0`, floor) ? `${major}.0.0` : floor.version;
  expect(refusing(version, 'runtime'), `on Node ${version}`).toEqual([]);
});

// Development tools are held to Node 24 LTS, which CI also runs the suite on. On Node 20 some of
// them warn (the backend synthesizer's GraphQL loaders want ≥ 22.15); the package itself does not
// ship them, and the test above holds what it ships to the README's floor.
it('every development dependency accepts Node 24 LTS', () => {
  expect(refusing('24.0.0', 'dev'), 'on Node 24.0.0').toEqual([]);
});

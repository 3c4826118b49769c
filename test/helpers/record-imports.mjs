// Loaded with `node --import`: reports every bare package a module imports, on stderr, as
// `import: <package>` (for tests that check what a command loads).
import { register } from 'node:module';

register('data:text/javascript,' + encodeURIComponent(`
export async function resolve(specifier, context, next) {
  if (!/^(node:|\\.|\\/|file:|data:)/.test(specifier)) process.stderr.write('import: ' + specifier + '\\n');
  return next(specifier, context);
}`));

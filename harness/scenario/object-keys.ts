/**
 * Object keys S3 stores but MinIO, which the emulator runs, cannot: `.` and `..` segments and
 * empty segments (`a//b`). The real client fails on them with "Unknown error" before any request
 * (or MinIO answers XMinioInvalidObjectName), which would read as a policy result. The loader
 * refuses them instead, naming the emulator's limit (docs/how-it-works.md lists it).
 */
export function unsupportedKeyProblem(key: string, options: { prefix?: boolean } = {}): string | undefined {
  const segments = key.split('/');
  // A list prefix may end with `/`; an object key's last segment is its name.
  const inner = options.prefix ? segments.slice(0, -1) : segments;
  const dots = segments.find((s) => s === '.' || s === '..');
  if (dots) return `a \`${dots}\` segment`;
  if (inner.slice(1).some((s) => s === '')) return 'an empty segment (`//`)';
  return undefined;
}

export function unsupportedKeyMessage(field: string, problem: string): string {
  return `\`${field}\` has ${problem}: S3 stores such keys, but MinIO, which the emulator runs, cannot (an emulator limit, see docs/how-it-works.md); use a key without it`;
}

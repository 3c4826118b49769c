/**
 * IAM-style wildcard matching: `*` matches any run of characters (also none, also `/`),
 * `?` exactly one character. Used to expand action patterns and to evaluate conditions whose
 * outcome is known before any request arrives. Never used to decide an S3 request.
 */
export function globMatch(pattern: string, text: string, options: { ignoreCase?: boolean } = {}): boolean {
  const p = Array.from(options.ignoreCase ? pattern.toLowerCase() : pattern);
  const t = Array.from(options.ignoreCase ? text.toLowerCase() : text);
  // Iterative matcher with single-star backtracking (linear in practice).
  let pi = 0;
  let ti = 0;
  let star = -1;
  let mark = 0;
  while (ti < t.length) {
    if (pi < p.length && (p[pi] === '?' || p[pi] === t[ti])) {
      pi++;
      ti++;
    } else if (pi < p.length && p[pi] === '*') {
      star = pi++;
      mark = ti;
    } else if (star !== -1) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}

/** True when the text contains an IAM wildcard. */
export function hasWildcard(s: string): boolean {
  return s.includes('*') || s.includes('?');
}

/**
 * ArnLike / ArnEquals: each of the six colon-separated parts is matched on its own
 * (the last part may itself contain colons).
 */
export function arnMatch(pattern: string, arn: string): boolean {
  const split = (s: string): string[] | undefined => {
    const parts = s.split(':');
    if (parts.length < 6) return undefined;
    return [...parts.slice(0, 5), parts.slice(5).join(':')];
  };
  const p = split(pattern);
  const a = split(arn);
  if (!p || !a) return pattern === '*' ? true : pattern === arn;
  return p.every((part, i) => globMatch(part, a[i]!));
}

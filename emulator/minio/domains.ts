/**
 * Checks a MINIO_DOMAIN list the way MinIO does at start-up, plus one check it lacks, so the
 * mistake is reported here rather than as a fatal log line:
 * - MinIO refuses (fatal) any list in which one domain is the character-wise common suffix of
 *   all of them (e.g. `s3.amazonaws.com` + `x.s3.amazonaws.com`, but also `a.com` + `ba.com`);
 * - a domain that is a DNS suffix of another (`x.s3.amazonaws.com` under `s3.amazonaws.com`)
 *   makes virtual-host routing ambiguous even where MinIO lets it through (3+ domains).
 */
export function validateDomains(domains: readonly string[]): string[] {
  const list = [...new Set(domains.map((d) => d.trim().toLowerCase()).filter(Boolean))];
  for (const d of list) {
    if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(d)) {
      throw new Error(`MINIO_DOMAIN: "${d}" is not a valid domain name`);
    }
  }
  for (const a of list) {
    for (const b of list) {
      if (a !== b && a.endsWith(`.${b}`)) {
        throw new Error(`MINIO_DOMAIN: "${a}" lies under "${b}"; MinIO cannot route virtual-host requests for overlapping domains. Drop one of them.`);
      }
    }
  }
  if (list.length > 1) {
    const suffix = commonSuffix(list);
    if (list.includes(suffix)) {
      throw new Error(`MINIO_DOMAIN: "${suffix}" is a suffix of every other domain (${list.join(', ')}); MinIO refuses such a list as overlapping. Drop it or add a domain that does not end with it.`);
    }
  }
  return list;
}

function commonSuffix(list: string[]): string {
  let suffix = list[0] ?? '';
  for (const s of list.slice(1)) {
    let i = 0;
    while (i < suffix.length && i < s.length && suffix[suffix.length - 1 - i] === s[s.length - 1 - i]) i++;
    suffix = suffix.slice(suffix.length - i);
  }
  return suffix;
}

import { XMLParser } from 'fast-xml-parser';
import { escapeXml } from './preflight.js';
import type { CORSConfiguration, CORSRule } from './rules.js';

const LISTS = new Set(['CORSRule', 'AllowedOrigin', 'AllowedMethod', 'AllowedHeader', 'ExposeHeader']);
const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true, isArray: (name) => LISTS.has(name) });

/**
 * A PutBucketCors body to the JSON shape (`{ CORSRules: [...] }`), for the one validator.
 * Returns undefined when it is not XML with a CORSConfiguration root (S3's MalformedXML).
 */
export function corsFromXml(xml: string): unknown {
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(xml, true) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const root = doc['CORSConfiguration'];
  if (root === undefined) return undefined;
  const rules = (typeof root === 'object' && root !== null ? (root as Record<string, unknown>)['CORSRule'] : undefined) as Array<Record<string, unknown>> | undefined;
  return {
    CORSRules: (rules ?? []).map((r) => {
      const rule: Record<string, unknown> = {};
      const list = (xmlName: string, key: string) => { if (r[xmlName] !== undefined) rule[key] = (r[xmlName] as unknown[]).map(String); };
      if (r['ID'] !== undefined) rule['ID'] = String(r['ID']);
      list('AllowedHeader', 'AllowedHeaders');
      list('AllowedMethod', 'AllowedMethods');
      list('AllowedOrigin', 'AllowedOrigins');
      list('ExposeHeader', 'ExposeHeaders');
      if (r['MaxAgeSeconds'] !== undefined) {
        const n = Number(r['MaxAgeSeconds']);
        rule['MaxAgeSeconds'] = Number.isInteger(n) ? n : String(r['MaxAgeSeconds']);
      }
      return rule;
    }),
  };
}

/** GetBucketCors's answer body. */
export function corsToXml(config: CORSConfiguration): string {
  const el = (name: string, value: string) => `<${name}>${escapeXml(value)}</${name}>`;
  const rule = (r: CORSRule) => [
    r.ID !== undefined ? el('ID', r.ID) : '',
    ...(r.AllowedHeaders ?? []).map((h) => el('AllowedHeader', h)),
    ...(r.AllowedMethods ?? []).map((m) => el('AllowedMethod', m)),
    ...(r.AllowedOrigins ?? []).map((o) => el('AllowedOrigin', o)),
    ...(r.ExposeHeaders ?? []).map((h) => el('ExposeHeader', h)),
    r.MaxAgeSeconds !== undefined ? el('MaxAgeSeconds', String(r.MaxAgeSeconds)) : '',
  ].join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${(config.CORSRules ?? []).map((r) => `<CORSRule>${rule(r)}</CORSRule>`).join('')}</CORSConfiguration>`;
}

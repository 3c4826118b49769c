import { XMLParser } from 'fast-xml-parser';
import { request, type Dispatcher } from 'undici';

export interface AssumeRoleWithWebIdentityInput {
  /** MinIO's endpoint, e.g. `http://127.0.0.1:9000`. */
  endpoint: string;
  /** The web-identity JWT (signed by the OpenID provider MinIO trusts). */
  token: string;
  /**
   * 900..31536000. Without it, the credentials expire with the token (its `exp`), however soon
   * that is; with it, MinIO ignores `exp` for the lifetime and uses this.
   */
  durationSeconds?: number;
  /** A session policy; the credentials get the intersection with the token's canned policies. */
  policy?: string | object;
  /** Only for role-policy providers; claim-based providers (ours) need none. */
  roleArn?: string;
  dispatcher?: Dispatcher;
}

export interface WebIdentityCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  subjectFromWebIdentityToken?: string;
}

/** MinIO's STS refused; `code` and the message are MinIO's own (e.g. `InvalidParameterValue`). */
export class MinioStsError extends Error {
  override name = 'MinioStsError';
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly status: number,
    readonly requestId?: string,
  ) {
    super(message);
  }
}

/** `AssumeRoleWithWebIdentity` against MinIO (unsigned POST form, as AWS STS takes it). */
export async function assumeRoleWithWebIdentity(input: AssumeRoleWithWebIdentityInput): Promise<WebIdentityCredentials> {
  const form = new URLSearchParams({
    Action: 'AssumeRoleWithWebIdentity',
    Version: '2011-06-15',
    WebIdentityToken: input.token,
  });
  if (input.durationSeconds !== undefined) form.set('DurationSeconds', String(input.durationSeconds));
  if (input.policy !== undefined) form.set('Policy', typeof input.policy === 'string' ? input.policy : JSON.stringify(input.policy));
  if (input.roleArn) form.set('RoleArn', input.roleArn);

  const res = await request(`${input.endpoint.replace(/\/+$/, '')}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    ...(input.dispatcher ? { dispatcher: input.dispatcher } : {}),
  });
  const xml = await res.body.text();
  const doc = parseXml(xml);
  if (res.statusCode !== 200) {
    const code = firstText(doc, 'Code');
    const message = firstText(doc, 'Message') ?? (xml.trim() || `HTTP ${res.statusCode}`);
    throw new MinioStsError(
      `MinIO STS AssumeRoleWithWebIdentity failed (HTTP ${res.statusCode}${code ? ` ${code}` : ''}): ${message}`,
      code, res.statusCode, firstText(doc, 'RequestId'),
    );
  }
  const accessKeyId = firstText(doc, 'AccessKeyId');
  const secretAccessKey = firstText(doc, 'SecretAccessKey');
  const sessionToken = firstText(doc, 'SessionToken');
  const expiration = firstText(doc, 'Expiration');
  if (!accessKeyId || !secretAccessKey || !sessionToken || !expiration) {
    throw new MinioStsError(`MinIO STS answered 200 without credentials: ${xml.slice(0, 500)}`, undefined, 200);
  }
  const result: WebIdentityCredentials = { accessKeyId, secretAccessKey, sessionToken, expiration: new Date(expiration) };
  const subject = firstText(doc, 'SubjectFromWebIdentityToken');
  if (subject) result.subjectFromWebIdentityToken = subject;
  return result;
}

// Namespace prefixes dropped; entities (Go's encoding/xml writes &#34; and &#39;) and CDATA decoded; values kept as text.
const parser = new XMLParser({ ignoreAttributes: true, removeNSPrefix: true, parseTagValue: false, trimValues: false, htmlEntities: true });

/** The parsed document, or nothing when the body is not XML (a proxy's plain-text error). */
function parseXml(xml: string): unknown {
  try {
    return parser.parse(xml);
  } catch {
    return undefined;
  }
}

/** Text of the first `<name>` element, depth first in document order. */
function firstText(node: unknown, name: string): string | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  for (const [key, value] of Object.entries(node)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (key === name && (typeof item === 'string' || typeof item === 'number')) return String(item);
      const found = firstText(item, name);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

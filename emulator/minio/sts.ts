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
  if (res.statusCode !== 200) {
    const code = xmlText(xml, 'Code');
    const message = xmlText(xml, 'Message') ?? (xml.trim() || `HTTP ${res.statusCode}`);
    throw new MinioStsError(
      `MinIO STS AssumeRoleWithWebIdentity failed (HTTP ${res.statusCode}${code ? ` ${code}` : ''}): ${message}`,
      code, res.statusCode, xmlText(xml, 'RequestId'),
    );
  }
  const accessKeyId = xmlText(xml, 'AccessKeyId');
  const secretAccessKey = xmlText(xml, 'SecretAccessKey');
  const sessionToken = xmlText(xml, 'SessionToken');
  const expiration = xmlText(xml, 'Expiration');
  if (!accessKeyId || !secretAccessKey || !sessionToken || !expiration) {
    throw new MinioStsError(`MinIO STS answered 200 without credentials: ${xml.slice(0, 500)}`, undefined, 200);
  }
  const result: WebIdentityCredentials = { accessKeyId, secretAccessKey, sessionToken, expiration: new Date(expiration) };
  const subject = xmlText(xml, 'SubjectFromWebIdentityToken');
  if (subject) result.subjectFromWebIdentityToken = subject;
  return result;
}

/** Text of the first `<name>` element (namespace prefixes ignored), entities decoded. */
function xmlText(xml: string, name: string): string | undefined {
  const m = new RegExp(`<(?:[\\w-]+:)?${name}(?:\\s[^>]*)?>([\\s\\S]*?)</(?:[\\w-]+:)?${name}>`).exec(xml);
  if (!m || m[1] === undefined) return undefined;
  return m[1]
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1')
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AwsServiceError, InternalErrorException } from '../aws/errors.js';
import type { OperationTable, RequestContext } from '../aws/types.js';
import { InvalidAction } from './errors.js';

/**
 * The AWS query protocol as STS speaks it: form-encoded `Action=...&Version=...` in a POST body
 * (or the query string), XML answers `<{Action}Response><{Action}Result>…`, XML errors.
 */
export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';
const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** A query-protocol service: its actions, and the authentication some of them require. */
export interface QueryService {
  operations: OperationTable;
  /** Throws an AwsServiceError to refuse; returns the verified caller for signed actions. */
  authorize?: (action: string, request: FastifyRequest) => Promise<unknown>;
}

export function isQueryRequest(request: FastifyRequest): boolean {
  const type = String(request.headers['content-type'] ?? '');
  if (type.startsWith(FORM_CONTENT_TYPE)) return true;
  return request.method === 'GET' && new URL(request.url, 'http://x').searchParams.has('Action');
}

const escapeXml = (text: string): string =>
  text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

/** Serialises an SDK-shaped output object: Dates as ISO 8601, arrays as `<member>` lists. */
export function toXml(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => `<member>${toXml(v)}</member>`).join('');
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `<${k}>${toXml(v)}</${k}>`)
      .join('');
  }
  return escapeXml(String(value));
}

function sendXmlError(reply: FastifyReply, error: AwsServiceError, requestId: string): FastifyReply {
  const type = error.senderFault ? 'Sender' : 'Receiver';
  return reply.code(error.statusCode).header('content-type', 'text/xml').send(
    `<ErrorResponse xmlns="${NS}"><Error><Type>${type}</Type><Code>${escapeXml(error.type)}</Code>` +
      `<Message>${escapeXml(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
  );
}

export async function handleQueryRequest(
  { operations, authorize }: QueryService,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const requestId = randomUUID();
  const params = new URLSearchParams(typeof request.body === 'string' ? request.body : '');
  for (const [k, v] of new URL(request.url, 'http://x').searchParams) if (!params.has(k)) params.set(k, v);
  const action = params.get('Action') ?? '';
  const operation = Object.hasOwn(operations, action) ? operations[action] : undefined;
  if (!operation) return sendXmlError(reply, new InvalidAction(action || '(no Action)'), requestId);

  const input: Record<string, unknown> = {};
  for (const [k, v] of params) {
    if (k === 'Action' || k === 'Version') continue;
    input[k] = /^\d+$/.test(v) && k.endsWith('Seconds') ? Number(v) : v;
  }
  const ctx: RequestContext = {
    log: request.log.child({ action }),
    host: request.headers.host,
  };
  try {
    ctx.caller = await authorize?.(action, request);
    const output = await operation(input, ctx);
    return reply.code(200).header('content-type', 'text/xml').send(
      `<${action}Response xmlns="${NS}"><${action}Result>${toXml(output)}</${action}Result>` +
        `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
    );
  } catch (e) {
    if (e instanceof AwsServiceError) return sendXmlError(reply, e, requestId);
    ctx.log.error({ err: e }, 'operation failed');
    return sendXmlError(reply, new InternalErrorException(), requestId);
  }
}

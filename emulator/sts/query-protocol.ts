import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { claimAwsRequests, isFastifyRequestError, QUERY_SERVICE_KEY, readAwsBodiesAsText } from '../aws/endpoint.js';
import { AwsServiceError, InternalErrorException } from '../aws/errors.js';
import type { OperationTable, RequestContext } from '../aws/types.js';
import { InvalidAction } from './errors.js';

/**
 * The AWS query protocol as STS speaks it: form-encoded `Action=...&Version=...` in a POST body
 * (or the query string), XML answers `<{Action}Response><{Action}Result>…`, XML errors.
 */
const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** A query-protocol service: its actions, and the authentication some of them require. */
export interface QueryService {
  operations: OperationTable;
  /** Throws an AwsServiceError to refuse; returns the verified caller for signed actions. */
  authorize?: (action: string, request: FastifyRequest) => Promise<unknown>;
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

function sendXmlError(reply: FastifyReply, error: AwsServiceError): FastifyReply {
  const type = error.senderFault ? 'Sender' : 'Receiver';
  return reply.code(error.statusCode).header('content-type', 'text/xml').send(
    `<ErrorResponse xmlns="${NS}"><Error><Type>${type}</Type><Code>${escapeXml(error.type)}</Code>` +
      `<Message>${escapeXml(error.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  );
}

/**
 * The query protocol's error handler, the only place its errors become bytes: an AwsServiceError
 * as an `<ErrorResponse>`; anything else an action throws is logged and answered
 * InternalErrorException (500, Receiver).
 */
function xmlErrorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof AwsServiceError) return sendXmlError(reply, error);
  if (isFastifyRequestError(error)) throw error;
  request.log.error({ err: error }, 'operation failed');
  return sendXmlError(reply, new InternalErrorException());
}

/** The request's parameters: the form body, then the query string for names the body lacks. */
function paramsOf(request: FastifyRequest): URLSearchParams {
  const params = new URLSearchParams(typeof request.body === 'string' ? request.body : '');
  for (const [k, v] of new URL(request.url, 'http://x').searchParams) if (!params.has(k)) params.set(k, v);
  return params;
}

/**
 * Serves the query-protocol service in `app`, which must be the service's own (encapsulated)
 * plugin context: the text body parsers, the XML error handler, and `POST /` / `GET /` for
 * query requests (endpoint.ts), dispatched by `Action` to its registry.
 */
export function serveQueryService(app: FastifyInstance, { operations, authorize }: QueryService): void {
  readAwsBodiesAsText(app);
  app.setErrorHandler(xmlErrorHandler);
  claimAwsRequests(app, QUERY_SERVICE_KEY, async (request, reply) => {
    const params = paramsOf(request);
    const action = params.get('Action') ?? '';
    const operation = Object.hasOwn(operations, action) ? operations[action] : undefined;
    if (!operation) throw new InvalidAction(action || '(no Action)');

    const input: Record<string, unknown> = {};
    for (const [k, v] of params) {
      if (k === 'Action' || k === 'Version') continue;
      input[k] = /^\d+$/.test(v) && k.endsWith('Seconds') ? Number(v) : v;
    }
    const ctx: RequestContext = { log: request.log.child({ action }), host: request.headers.host };
    ctx.caller = await authorize?.(action, request);
    const output: unknown = await operation(input, ctx);
    const requestId = randomUUID();
    return reply.code(200).header('content-type', 'text/xml').send(
      `<${action}Response xmlns="${NS}"><${action}Result>${toXml(output)}</${action}Result>` +
        `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
    );
  });
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AwsServiceError, InternalErrorException, SerializationException, UnknownOperationException } from './errors.js';
import type { OperationTable, RequestContext } from './types.js';

/**
 * The AWS JSON 1.1 protocol (Cognito user pools, Cognito identity): POST / with
 * `X-Amz-Target: <Prefix>.<Operation>` and a JSON body. Several JSON services share the
 * root route; the target prefix picks the service.
 */
export interface JsonService {
  /** e.g. `AWSCognitoIdentityProviderService` */
  targetPrefix: string;
  operations: OperationTable;
  /**
   * Authenticates (and authorises) a call before it runs: throws an AwsServiceError to refuse,
   * returns the verified caller for operations that require a signature, undefined for public ones.
   */
  authorize?: (operation: string, request: FastifyRequest, input: Record<string, unknown>) => Promise<unknown>;
}

const JSON_11 = 'application/x-amz-json-1.1';

/** Dates go over the wire as epoch seconds, as AWS JSON protocols do. */
function wireReplacer(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Record<string, unknown>)[key];
  if (raw instanceof Date) return raw.getTime() / 1000;
  return value;
}

export function sendAwsJsonError(reply: FastifyReply, error: AwsServiceError): FastifyReply {
  return reply
    .code(error.statusCode)
    .header('content-type', JSON_11)
    .header('x-amzn-errortype', error.type)
    .send(JSON.stringify({ __type: error.type, message: error.message }));
}

/** Content types AWS SDKs use for JSON protocols; kept as text so bad JSON becomes SerializationException. */
export const JSON_CONTENT_TYPES = [JSON_11, 'application/x-amz-json-1.0', 'application/json'];

/** True when the request names a JSON-protocol target (`X-Amz-Target`). */
export function isJsonTargetRequest(request: FastifyRequest): boolean {
  return typeof request.headers['x-amz-target'] === 'string';
}

/** Dispatches one JSON 1.1 request to the service its target prefix names. */
export async function handleJsonRequest(
  services: JsonService[],
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const target = String(request.headers['x-amz-target'] ?? '');
  const dot = target.lastIndexOf('.');
  const service = services.find((s) => s.targetPrefix === target.slice(0, dot));
  const operationName = target.slice(dot + 1);
  const operation = service && Object.hasOwn(service.operations, operationName)
    ? service.operations[operationName]
    : undefined;
  if (!operation) return sendAwsJsonError(reply, new UnknownOperationException(target || '(no X-Amz-Target)'));

  let input: unknown;
  try {
    const text = typeof request.body === 'string' ? request.body : '';
    input = text.trim() === '' ? {} : JSON.parse(text);
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      throw new Error('expected a JSON object');
    }
  } catch (e) {
    return sendAwsJsonError(reply, new SerializationException((e as Error).message));
  }

  const ctx: RequestContext = { log: request.log.child({ target }), host: request.headers.host };
  try {
    ctx.caller = await service!.authorize?.(operationName, request, input as Record<string, unknown>);
    const output = await operation(input, ctx);
    return reply.code(200).header('content-type', JSON_11).send(JSON.stringify(output ?? {}, wireReplacer));
  } catch (e) {
    if (e instanceof AwsServiceError) return sendAwsJsonError(reply, e);
    ctx.log.error({ err: e }, 'operation failed');
    return sendAwsJsonError(reply, new InternalErrorException());
  }
}

/**
 * Registers the text parsers and a `POST /` route serving only JSON services. The full
 * emulator (emulator/app.ts) shares `POST /` with STS and calls {@link handleJsonRequest}.
 */
export function registerJsonServices(app: FastifyInstance, services: JsonService[]): void {
  addTextParsers(app, JSON_CONTENT_TYPES);
  app.post('/', (request, reply) => handleJsonRequest(services, request, reply));
}

export function addTextParsers(app: FastifyInstance, types: string[]): void {
  for (const type of types) {
    if (!app.hasContentTypeParser(type)) {
      app.addContentTypeParser(type, { parseAs: 'string' }, (_req, body, done) => done(null, body));
    }
  }
}

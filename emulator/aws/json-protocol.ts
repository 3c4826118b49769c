import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { claimAwsRequests, isFastifyRequestError, jsonServiceKey, readAwsBodiesAsText } from './endpoint.js';
import { AwsServiceError, InternalErrorException, SerializationException, UnknownOperationException } from './errors.js';
import type { OperationTable, RequestContext } from './types.js';

/**
 * The AWS JSON 1.1 protocol (Cognito user pools, Cognito identity): POST / with
 * `X-Amz-Target: <Prefix>.<Operation>` and a JSON body. Each JSON service serves itself in its
 * own plugin context ({@link serveJsonService}); the target prefix routes to it (endpoint.ts).
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

/**
 * The JSON protocol's error handler, the only place its errors become bytes: an AwsServiceError
 * as `{ __type, message }` with `x-amzn-errortype`; anything else an operation throws is logged
 * and answered InternalErrorException (500).
 */
function jsonErrorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof AwsServiceError) return sendAwsJsonError(reply, error);
  if (isFastifyRequestError(error)) throw error;
  request.log.error({ err: error, target: request.headers['x-amz-target'] }, 'operation failed');
  return sendAwsJsonError(reply, new InternalErrorException());
}

function parseJsonInput(body: unknown): Record<string, unknown> {
  try {
    const text = typeof body === 'string' ? body : '';
    const input: unknown = text.trim() === '' ? {} : JSON.parse(text);
    if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new Error('expected a JSON object');
    return input as Record<string, unknown>;
  } catch (e) {
    throw new SerializationException((e as Error).message);
  }
}

/**
 * Serves one JSON service in `app`, which must be the service's own (encapsulated) plugin
 * context: the text body parsers, the JSON error handler, and `POST /` / `GET /` for the
 * requests whose `X-Amz-Target` prefix is the service's, dispatched to its operation registry.
 */
export function serveJsonService(app: FastifyInstance, service: JsonService): void {
  readAwsBodiesAsText(app);
  app.setErrorHandler(jsonErrorHandler);
  claimAwsRequests(app, jsonServiceKey(service.targetPrefix), async (request, reply) => {
    const target = String(request.headers['x-amz-target']);
    const operationName = target.slice(target.lastIndexOf('.') + 1);
    const operation = Object.hasOwn(service.operations, operationName) ? service.operations[operationName] : undefined;
    if (!operation) throw new UnknownOperationException(target);
    const input = parseJsonInput(request.body);
    const ctx: RequestContext = { log: request.log.child({ target }), host: request.headers.host };
    ctx.caller = await service.authorize?.(operationName, request, input);
    const output: unknown = await operation(input, ctx);
    return reply.code(200).header('content-type', JSON_11).send(JSON.stringify(output ?? {}, wireReplacer));
  });
}

/**
 * The fallback on `/`: a request no registered service claims (an unknown target prefix, no
 * `X-Amz-Target` and no query `Action`) is answered as a JSON endpoint answers an unknown target.
 */
export const unclaimedAwsRequests: FastifyPluginAsync = async (app) => {
  readAwsBodiesAsText(app);
  app.setErrorHandler(jsonErrorHandler);
  claimAwsRequests(app, undefined, async (request) => {
    throw new UnknownOperationException(String(request.headers['x-amz-target'] ?? '') || '(no X-Amz-Target)');
  });
};

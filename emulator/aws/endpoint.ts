import type { FastifyError, FastifyInstance, RouteHandlerMethod } from 'fastify';

/**
 * The AWS endpoint on `/`. Cognito user pools, identity pools (AWS JSON 1.1, told apart by the
 * `X-Amz-Target` prefix) and STS (the query protocol: a form body, or `GET /?Action=`) share
 * `POST /` and `GET /`, since one emulator host answers for every AWS host name. Each service is
 * its own encapsulated plugin (emulator/app.ts registers them) and claims its requests with a
 * route constraint on {@link AWS_SERVICE}, derived here once per request; a request that no
 * registered service claims reaches the unconstrained fallback (json-protocol.ts).
 */
export const AWS_SERVICE = 'awsService';

/** Content types AWS SDKs use for JSON protocols. */
export const JSON_CONTENT_TYPES = ['application/x-amz-json-1.1', 'application/x-amz-json-1.0', 'application/json'];

/** The query protocol's (STS's) body. */
export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

/**
 * Every protocol on `/` reads these bodies as text: SigV4 hashes the raw body, and the protocol
 * (the target header, the form) decides how to read it, whatever the content type says; bad JSON
 * thus becomes a SerializationException rather than Fastify's own 400.
 * (`application/json` keeps Fastify's built-in parser: it is already present in every context.)
 */
export function readAwsBodiesAsText(app: FastifyInstance): void {
  for (const type of [...JSON_CONTENT_TYPES, FORM_CONTENT_TYPE]) {
    if (!app.hasContentTypeParser(type)) {
      app.addContentTypeParser(type, { parseAs: 'string' }, (_req, body, done) => done(null, body));
    }
  }
}

/**
 * Fastify's own answer to a request it could not read (unsupported content type, body too large,
 * malformed `application/json`, all `FST_*` codes): every protocol's error handler leaves these to
 * Fastify's default handler, which answered them before the services were plugins too.
 */
export function isFastifyRequestError(error: unknown): boolean {
  const code = (error as Partial<FastifyError> | undefined)?.code;
  return typeof code === 'string' && code.startsWith('FST_');
}

interface RequestHead {
  headers: Record<string, string | string[] | undefined>;
  method?: string | undefined;
  url?: string | undefined;
}

/** True when the request names a JSON-protocol target (`X-Amz-Target`). */
export function isJsonTargetRequest(request: RequestHead): boolean {
  return typeof request.headers['x-amz-target'] === 'string';
}

/** True for a query-protocol request: a form body, or a GET naming its `Action` in the query string. */
export function isQueryRequest(request: RequestHead): boolean {
  const type = String(request.headers['content-type'] ?? '');
  if (type.startsWith(FORM_CONTENT_TYPE)) return true;
  return request.method === 'GET' && new URL(request.url ?? '/', 'http://x').searchParams.has('Action');
}

/** The {@link AWS_SERVICE} value a JSON service with this target prefix claims. */
export const jsonServiceKey = (targetPrefix: string): string => `json:${targetPrefix}`;

/** The {@link AWS_SERVICE} value the query-protocol service (STS) claims. */
export const QUERY_SERVICE_KEY = 'query';

/**
 * Which service a request on `/` addresses: a JSON target first (its prefix), else the query
 * protocol, else none (the fallback answers). Only `/` has constrained routes, so the value
 * matters nowhere else.
 */
export function awsServiceOf(request: RequestHead): string | undefined {
  if (isJsonTargetRequest(request)) {
    const target = String(request.headers['x-amz-target']);
    return jsonServiceKey(target.slice(0, target.lastIndexOf('.')));
  }
  return isQueryRequest(request) ? QUERY_SERVICE_KEY : undefined;
}

type ConstraintStrategy = Parameters<FastifyInstance['addConstraintStrategy']>[0];

const awsServiceStrategy: ConstraintStrategy = {
  name: AWS_SERVICE,
  storage() {
    const byValue = new Map<unknown, unknown>();
    return {
      get: (value) => (byValue.get(value) ?? null) as never,
      set: (value, handlers) => { byValue.set(value, handlers); },
    };
  },
  deriveConstraint: (request) => awsServiceOf(request),
};

/**
 * Routes `POST /` and `GET /` in `app` (a service's own plugin context) for the requests whose
 * {@link awsServiceOf} is `key`; with no key, the fallback for requests no service claims.
 */
export function claimAwsRequests(app: FastifyInstance, key: string | undefined, handler: RouteHandlerMethod): void {
  if (!app.hasConstraintStrategy(AWS_SERVICE)) app.addConstraintStrategy(awsServiceStrategy);
  app.route({ method: ['POST', 'GET'], url: '/', ...(key === undefined ? {} : { constraints: { [AWS_SERVICE]: key } }), handler });
}

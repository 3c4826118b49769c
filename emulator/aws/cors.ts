import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

/** What Cognito user pools, identity pools and STS expose to browser code on every answer. */
const EXPOSED = 'x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, Date';

/**
 * CORS as the AWS JSON and query endpoints answer it: any origin may call them (their callers
 * authenticate with tokens and signatures, not cookies), a preflight is answered 200 with the
 * requested headers, and every answer to a request with an Origin (errors included) carries
 * `Access-Control-Allow-Origin: *` and the exposed error headers.
 *
 * Wrapped in fastify-plugin on purpose: its onSend hook must reach every service's answers, so it
 * runs in the context it is registered in (the root, before the services) instead of its own.
 */
export const awsCors: FastifyPluginAsync = fp(async (app) => {
  app.route({
    method: 'OPTIONS',
    url: '*',
    handler: async (request, reply) => {
      const requested = request.headers['access-control-request-headers'];
      reply
        .header('Access-Control-Allow-Origin', '*')
        .header('Access-Control-Allow-Methods', 'POST, GET, OPTIONS')
        .header('Access-Control-Max-Age', '86400');
      if (requested) reply.header('Access-Control-Allow-Headers', Array.isArray(requested) ? requested.join(', ') : requested);
      return reply.code(200).send('');
    },
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.headers.origin && request.method !== 'OPTIONS') {
      reply.header('Access-Control-Allow-Origin', '*').header('Access-Control-Expose-Headers', EXPOSED);
    }
    return payload;
  });
}, { name: 'aws-cors' });

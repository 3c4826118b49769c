import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { generateStackKeys } from '../keys.js';
import { answerMinioOidcEarly, MINIO_OIDC_PATH, minioOidcPlugin } from './plugin.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((r) => server.close(r));
});

/** A plain http server that answers what `answerMinioOidcEarly` answers, 404 otherwise. */
async function earlyServer(deps: Parameters<typeof answerMinioOidcEarly>[0]): Promise<string> {
  const answer = answerMinioOidcEarly(deps);
  const server = createServer((req, res) => {
    if (!answer(req, res)) res.writeHead(404).end('left for the emulator');
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('the MinIO OpenID provider, answered before the emulator is built', () => {
  it('serves the same discovery document and JWKS as the plugin, and leaves every other request', async () => {
    const keys = generateStackKeys();
    const deps = { keys: keys.minio, baseUrl: () => 'http://127.0.0.1:4566' };
    const app = Fastify();
    await app.register(minioOidcPlugin, deps);
    const early = await earlyServer(deps);
    for (const path of ['/.well-known/openid-configuration', '/jwks.json', '/jwks.json?x=1']) {
      const url = `${MINIO_OIDC_PATH}${path}`;
      const fromPlugin = await app.inject({ method: 'GET', url });
      const fromEarly = await fetch(`${early}${url}`);
      expect(fromEarly.status).toBe(200);
      expect(fromEarly.headers.get('content-type')).toBe(fromPlugin.headers['content-type']);
      expect(await fromEarly.json()).toEqual(fromPlugin.json());
    }
    // The issuer is the stack's, and the JWKS holds the MinIO key alone.
    const discovery = await (await fetch(`${early}${MINIO_OIDC_PATH}/.well-known/openid-configuration`)).json() as { issuer: string; jwks_uri: string };
    expect(discovery.issuer).toBe(`http://127.0.0.1:4566${MINIO_OIDC_PATH}`);
    expect(await (await fetch(`${early}${MINIO_OIDC_PATH}/jwks.json`)).json()).toEqual(await keys.minio.jwks());
    for (const [method, url] of [['POST', `${MINIO_OIDC_PATH}/jwks.json`], ['GET', `${MINIO_OIDC_PATH}/token`], ['GET', '/'], ['GET', '/us-east-1_abc/.well-known/jwks.json']] as const) {
      const res = await fetch(`${early}${url}`, { method });
      expect(res.status, `${method} ${url}`).toBe(404);
      expect(await res.text()).toBe('left for the emulator');
    }
    await app.close();
  });
});

/**
 * Undici dispatchers that reach the stack the way a browser does: through its TLS front door,
 * either as the address of every AWS host name (what `--host-resolver-rules` does) or as an HTTP
 * CONNECT proxy. The front door's certificate is the only CA trusted, so a request that reached
 * anything else would fail its TLS handshake.
 */
import tls from 'node:tls';
import { Agent, ProxyAgent } from 'undici';
import type { FrontDoor } from '../../emulator/front-door/server.js';

export function resolverDispatcher(door: FrontDoor): Agent {
  return new Agent({
    connect: (options, callback) => {
      const socket = tls.connect({ host: '127.0.0.1', port: door.port, servername: options.hostname, ca: door.certificate.certPem, ALPNProtocols: ['http/1.1'] });
      socket.once('secureConnect', () => callback(null, socket));
      socket.once('error', (error) => callback(error, null));
    },
  });
}

export function proxyDispatcher(door: FrontDoor): ProxyAgent {
  return new ProxyAgent({ uri: `http://${door.address}`, requestTls: { ca: door.certificate.certPem } });
}

import net from 'node:net';
import { Agent, buildConnector, getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from 'undici';
import { expiredTokenInterceptor } from './expired-token.js';
import { addressFor, unsupportedHostMessage, type TransportTargets } from './routes.js';

export type { TransportTargets } from './routes.js';

export interface InstalledTransport {
  /** Puts back the dispatcher that was global before. */
  restore(): Promise<void>;
  /** The dispatcher itself, for `fetch(url, { dispatcher })` without going global. */
  dispatcher: Dispatcher;
}

/**
 * A dispatcher that connects AWS host names to the local stack over plain TCP. The request keeps
 * its `https://<bucket>.s3.<region>.amazonaws.com/...` URL and Host header, so the signature the
 * client computed is the one MinIO verifies. Other AWS hosts fail loudly instead of reaching AWS;
 * every other host goes out as usual.
 */
export function createStackDispatcher(targets: TransportTargets): Dispatcher {
  const defaultConnect = buildConnector({});
  const agent = new Agent({
    keepAliveTimeout: 10_000,
    connect: (options, callback) => {
      const address = addressFor(options.hostname, targets);
      if (address === undefined) return defaultConnect(options, callback);
      if (address === 'unsupported-aws') {
        callback(new Error(unsupportedHostMessage(options.hostname)), null);
        return;
      }
      const socket = net.connect({ port: address.port, host: address.host });
      socket.setNoDelay(true);
      socket.once('connect', () => callback(null, socket));
      socket.once('error', (error) => callback(error, null));
    },
  });
  return agent.compose(expiredTokenInterceptor());
}

/**
 * Installs {@link createStackDispatcher} as the global dispatcher, which Node's fetch (and so the
 * aws-amplify client) uses for every request. Call `restore()` when done.
 */
export function installNodeTransport(targets: TransportTargets): InstalledTransport {
  const previous = getGlobalDispatcher();
  const dispatcher = createStackDispatcher(targets);
  setGlobalDispatcher(dispatcher);
  return {
    dispatcher,
    async restore() {
      if (getGlobalDispatcher() === dispatcher) setGlobalDispatcher(previous);
      await dispatcher.close();
    },
  };
}

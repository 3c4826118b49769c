import http from 'node:http';

/** Headers that belong to one connection, not to the request: never forwarded either way. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

/** Raw header pairs in order, names as sent, without hop-by-hop headers. */
export function headerPairs(raw: string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (!HOP_BY_HOP.has(raw[i]!.toLowerCase())) pairs.push([raw[i]!, raw[i + 1]!]);
  }
  return pairs;
}

export const flat = (pairs: Array<[string, string]>): string[] => pairs.flat();

/** What the front door sends back: the upstream answer as it came, or reshaped. */
export interface Answer {
  status: number;
  headers: Array<[string, string]>;
  /** Replaces the upstream body when set. */
  body?: Buffer;
}

/**
 * Sends a request on to a loopback server exactly as it came: method, path and every header,
 * Host included, so the SigV4 signature the client computed is the one the server checks. The
 * answer goes back through `reshape` (CORS headers, the ExpiredToken rewrite) and then as it came.
 */
export function forward(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  to: { host: string; port: number },
  agent: http.Agent,
  reshape: (answer: Answer) => Answer = (a) => a,
): void {
  const upstream = http.request({
    host: to.host,
    port: to.port,
    method: req.method,
    path: req.url,
    headers: flat(headerPairs(req.rawHeaders)),
    agent,
    setHost: false,
  });
  upstream.on('response', (answer) => {
    const shaped = reshape({ status: answer.statusCode ?? 502, headers: headerPairs(answer.rawHeaders) });
    if (shaped.body !== undefined) {
      answer.resume();
      const headers = shaped.headers.filter(([n]) => n.toLowerCase() !== 'content-length');
      if (req.method !== 'HEAD') headers.push(['Content-Length', String(shaped.body.length)]);
      res.writeHead(shaped.status, flat(headers));
      res.end(req.method === 'HEAD' ? undefined : shaped.body);
      return;
    }
    res.writeHead(shaped.status, flat(shaped.headers));
    answer.pipe(res);
  });
  upstream.on('error', (error) => {
    if (res.headersSent) {
      res.destroy(error);
      return;
    }
    res.writeHead(502, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(`amplify-storage-emulator front door: ${to.host}:${to.port} did not answer (${error.message}).\n`);
  });
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}

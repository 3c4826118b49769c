/**
 * A request handler for @aws-sdk v3 clients that sends through the global `fetch`, so an SDK client
 * goes through whatever undici dispatcher is installed (installNodeTransport) exactly as the
 * aws-amplify client does. (The SDK's default Node handler uses node:https and would bypass it.)
 */
import type { HttpHandlerOptions, HttpRequest as SdkHttpRequest, HttpResponse as SdkHttpResponse } from '@smithy/types';

export class GlobalFetchHandler {
  readonly metadata = { handlerProtocol: 'http/1.1' };

  async handle(request: SdkHttpRequest, _options?: HttpHandlerOptions): Promise<{ response: SdkHttpResponse }> {
    const query = Object.entries(request.query ?? {})
      .flatMap(([k, v]) => (v === null || v === undefined ? [encodeURIComponent(k)] : [v].flat().map((x) => `${encodeURIComponent(k)}=${encodeURIComponent(x)}`)))
      .join('&');
    const port = request.port ? `:${request.port}` : '';
    const url = `${request.protocol}//${request.hostname}${port}${request.path}${query ? `?${query}` : ''}`;
    const method = request.method.toUpperCase();
    // `host` is a forbidden header for fetch; the URL carries it (and SigV4 signed that same host).
    const headers = Object.fromEntries(Object.entries(request.headers).filter(([k]) => k.toLowerCase() !== 'host'));
    const response = await fetch(url, {
      method,
      headers,
      ...(method === 'GET' || method === 'HEAD' || request.body === undefined ? {} : { body: request.body as string }),
    });
    const responseHeaders: Record<string, string> = {};
    response.headers.forEach((value, key) => {
      responseHeaders[key] = value;
    });
    return {
      response: {
        statusCode: response.status,
        reason: response.statusText,
        headers: responseHeaders,
        body: new Uint8Array(await response.arrayBuffer()),
      },
    };
  }

  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  destroy(): void {}
}

import { performance } from 'node:perf_hooks';
import { DecoratorHandler, Dispatcher } from 'undici';

export interface TimedRequest {
  host: string;
  method: string;
  /** Path and query as sent. */
  path: string;
  /** From dispatch to the last byte of the response (or the error). */
  ms: number;
  status: number;
}

/**
 * Wraps a dispatcher and times every request while a collector is set: the time a request spends
 * on the wire and in the server, as opposed to the time the client spends around it.
 */
export class TimingDispatcher extends Dispatcher {
  collector: ((request: TimedRequest) => void) | undefined;

  constructor(private readonly inner: Dispatcher) {
    super();
  }

  /** Runs `fn` and returns what it returned and the requests it made. Not for concurrent use. */
  async collect<T>(fn: () => Promise<T>): Promise<{ value: T; requests: TimedRequest[] }> {
    const requests: TimedRequest[] = [];
    this.collector = (r) => requests.push(r);
    try {
      return { value: await fn(), requests };
    } finally {
      this.collector = undefined;
    }
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandlers): boolean {
    const collector = this.collector;
    if (!collector) return this.inner.dispatch(options, handler);
    const started = performance.now();
    let host = '';
    try {
      host = new URL(String(options.origin ?? '')).hostname;
    } catch {
      /* not a URL origin */
    }
    const done = (status: number) => collector({ host, method: options.method, path: options.path, ms: performance.now() - started, status });
    return this.inner.dispatch(options, new TimingHandler(handler, done));
  }

  override close(): Promise<void> {
    return this.inner.close();
  }

  override destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

/** Forwards everything, telling `done` the status once the request has completed or failed. */
class TimingHandler extends DecoratorHandler {
  private status = 0;

  constructor(private readonly handler: Dispatcher.DispatchHandlers, private readonly done: (status: number) => void) {
    super(handler);
  }

  onHeaders(statusCode: number, headers: Buffer[], resume: () => void, statusText: string): boolean {
    this.status = statusCode;
    return this.handler.onHeaders ? this.handler.onHeaders(statusCode, headers, resume, statusText) : true;
  }

  onComplete(trailers: string[] | null): void {
    this.done(this.status);
    this.handler.onComplete?.(trailers);
  }

  onError(error: Error): void {
    this.done(this.status);
    this.handler.onError?.(error);
  }
}

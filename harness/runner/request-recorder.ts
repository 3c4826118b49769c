import { AsyncLocalStorage } from 'node:async_hooks';
import { DecoratorHandler, type Dispatcher } from 'undici';
import type { DecidingRequest } from '../results.js';
import { interceptRoute } from '../../emulator/transport/intercept.js';

/** Requests made while one case runs; the last S3 one decided it. */
export interface CaseRecording {
  requests: DecidingRequest[];
}

const current = new AsyncLocalStorage<CaseRecording>();

/** Runs `fn` with every S3 request it makes (through {@link recordingDispatcher}) recorded. */
export function recordRequests<T>(recording: CaseRecording, fn: () => Promise<T>): Promise<T> {
  return current.run(recording, fn);
}

const ERROR_BODY_LIMIT = 4096;

/**
 * `inner` with each S3 request recorded, for the case running in the current async context: its
 * method, URL, status and (for errors) the S3 error code from the body. The body still reaches the
 * client unchanged.
 */
export function recordingDispatcher(inner: Dispatcher): Dispatcher {
  return inner.compose(interceptRoute('s3', (options, handler) => {
    const recording = current.getStore();
    if (!recording) return undefined;
    const entry: DecidingRequest = { method: options.method, url: `${String(options.origin)}${options.path}`, status: 0 };
    recording.requests.push(entry);
    return new RecordingHandler(entry, handler);
  }));
}

/** Forwards an S3 answer unchanged, noting its status and error code in `entry`. */
class RecordingHandler extends DecoratorHandler {
  private errorBody = '';

  constructor(private readonly entry: DecidingRequest, private readonly handler: Dispatcher.DispatchHandlers) {
    super(handler);
  }

  onHeaders(statusCode: number, headers: Buffer[], resume: () => void, statusText: string): boolean {
    this.entry.status = statusCode;
    return this.handler.onHeaders ? this.handler.onHeaders(statusCode, headers, resume, statusText) : true;
  }

  onData(chunk: Buffer): boolean {
    if (this.entry.status >= 400 && this.errorBody.length < ERROR_BODY_LIMIT) this.errorBody += chunk.toString('utf8');
    return this.handler.onData ? this.handler.onData(chunk) : true;
  }

  onComplete(trailers: string[] | null): void {
    const code = /<Code>([^<]+)<\/Code>/.exec(this.errorBody)?.[1];
    if (code) this.entry.code = code;
    this.handler.onComplete?.(trailers);
  }
}

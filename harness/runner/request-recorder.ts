import { AsyncLocalStorage } from 'node:async_hooks';
import type { Dispatcher } from 'undici';
import type { DecidingRequest } from '../results.js';
import { bindAll, WrappingDispatcher } from '../../emulator/transport/wrap-handler.js';

/** Requests made while one case runs; the last S3 one decided it. */
export interface CaseRecording {
  requests: DecidingRequest[];
}

const current = new AsyncLocalStorage<CaseRecording>();

/** Runs `fn` with every S3 request it makes (through the recording dispatcher) recorded. */
export function recordRequests<T>(recording: CaseRecording, fn: () => Promise<T>): Promise<T> {
  return current.run(recording, fn);
}

const ERROR_BODY_LIMIT = 4096;

/**
 * Wraps a dispatcher and records, for the case running in the current async context, each S3
 * request's method, URL, status and (for errors) the S3 error code from the body. The body still
 * reaches the client unchanged.
 */
export class RecordingDispatcher extends WrappingDispatcher {
  constructor(inner: Dispatcher) {
    super(inner, 's3');
  }

  protected wrap(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandlers): Dispatcher.DispatchHandlers | undefined {
    const recording = current.getStore();
    if (!recording) return undefined;
    const entry: DecidingRequest = { method: options.method, url: `${String(options.origin)}${options.path}`, status: 0 };
    recording.requests.push(entry);
    let errorBody = '';
    return {
      ...bindAll(handler),
      onHeaders(statusCode, headers, resume, statusText) {
        entry.status = statusCode;
        return handler.onHeaders ? handler.onHeaders(statusCode, headers, resume, statusText) : true;
      },
      onData(chunk) {
        if (entry.status >= 400 && errorBody.length < ERROR_BODY_LIMIT) errorBody += chunk.toString('utf8');
        return handler.onData ? handler.onData(chunk) : true;
      },
      onComplete(trailers) {
        const code = /<Code>([^<]+)<\/Code>/.exec(errorBody)?.[1];
        if (code) entry.code = code;
        handler.onComplete?.(trailers);
      },
    };
  }
}

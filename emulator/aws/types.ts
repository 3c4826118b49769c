import type { FastifyBaseLogger } from 'fastify';

/** What AWS sends back: the SDK's output type without the client-side `$metadata`. */
export type Wire<T> = Omit<T, '$metadata'>;

/**
 * Per-request context handed to every operation. `Caller` is whatever the service's authorizer
 * verified (for these services, credentials/callers.ts's Caller); the protocol layer only passes it on.
 */
export interface RequestContext<Caller = unknown> {
  log: FastifyBaseLogger;
  /** The request's Host header, e.g. `cognito-idp.us-east-1.amazonaws.com`. */
  host: string | undefined;
  /** Who signed the request, for operations that require a SigV4 signature (set once verified). */
  caller?: Caller | undefined;
}

/** One emulated API operation: typed with the @aws-sdk client's own input and output types. */
export type Operation<I, O, Caller = unknown> = (input: I, ctx: RequestContext<Caller>) => Promise<O>;

/** Operation registry of one service: `as const` object of operation name → handler. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type OperationTable = Record<string, Operation<any, any, any>>;

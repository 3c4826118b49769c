import type { FastifyInstance } from 'fastify';

/**
 * How many calls of each AWS operation the emulator has been sent, by bare operation name
 * (`InitiateAuth`, `RespondToAuthChallenge`, `GetId`, `GetCredentialsForIdentity`,
 * `AssumeRoleWithWebIdentity`...: the names are unique across the emulated services). A call is
 * counted when it reaches its service, whatever its answer. Tests and benchmarks read it to prove
 * what the client really did (e.g. that each actor signed in exactly once).
 */
export class OperationCounts {
  private readonly counts = new Map<string, number>();

  record(operation: string): void {
    this.counts.set(operation, (this.counts.get(operation) ?? 0) + 1);
  }

  /** Calls of one operation so far. */
  get(operation: string): number {
    return this.counts.get(operation) ?? 0;
  }

  /** Every count so far, as plain data (take two and subtract to count a stretch of time). */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  /** Counts every AWS call the app serves: JSON targets (`X-Amz-Target`) and query actions (`Action=`). */
  attach(app: FastifyInstance): void {
    app.addHook('preHandler', async (request) => {
      const target = request.headers['x-amz-target'];
      if (typeof target === 'string') {
        this.record(target.slice(target.lastIndexOf('.') + 1));
        return;
      }
      if (request.method !== 'POST' && request.method !== 'GET') return;
      const form = typeof request.body === 'string' ? new URLSearchParams(request.body) : undefined;
      const action = form?.get('Action') ?? new URL(request.url, 'http://x').searchParams.get('Action');
      if (action) this.record(action);
    });
  }
}

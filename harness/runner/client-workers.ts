import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { TransportTargets } from '../../emulator/transport/node.js';
import type { FromWorker, ToWorker } from './client-worker.js';
import type { ClientHalf } from './run-scenario.js';
import type { ClientCaseResult, SignedInUsers } from './scenario-client.js';
import type { SignedInSession, SignInService } from './sign-in.js';

const WORKER_URL = new URL('./client-worker.js', import.meta.url);

/** Worker threads need compiled JavaScript; from TypeScript sources (vitest) scenarios run in-process. */
export function clientWorkersAvailable(): boolean {
  return WORKER_URL.protocol === 'file:' && existsSync(fileURLToPath(WORKER_URL));
}

/** One worker thread running scenario client halves: requests and answers matched by id. */
class ClientWorker {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  /** Set up in the worker (its transport installed); awaited before the first scenario. */
  private readonly ready: Promise<unknown>;
  private terminating = false;
  /** Sign-ins sent and not answered yet: the pool gives the next one to the least busy worker. */
  signInsPending = 0;

  /** `targets` may come later: the worker loads the client meanwhile (e.g. while the stack starts). */
  constructor(targets: TransportTargets | Promise<TransportTargets>) {
    this.worker = new Worker(WORKER_URL);
    this.worker.on('message', (message: FromWorker) => {
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.type === 'ok') waiter.resolve(message.value);
      else waiter.reject(Object.assign(new Error(message.message), { name: message.name }));
    });
    this.worker.on('error', (error) => this.failAll(error));
    this.worker.on('exit', (code) => {
      if (!this.terminating) this.failAll(new Error(`client worker exited unexpectedly with code ${code}`));
      else this.pending.clear();
    });
    this.ready = Promise.resolve(targets).then((t) => this.call({ type: 'init', targets: t }));
    this.ready.catch(() => undefined); // surfaced by the first call that awaits it
  }

  private failAll(error: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }

  call<T>(message: ToWorker extends infer M ? (M extends { id: number } ? Omit<M, 'id'> : M) : never): Promise<T> {
    const id = 'type' in message && message.type === 'init' ? 0 : this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...message, id });
    });
  }

  async signIn(...[outputs, user]: Parameters<SignInService>): Promise<SignedInSession> {
    this.signInsPending++;
    try {
      await this.ready;
      return await this.call<SignedInSession>({ type: 'signIn', outputs, user: { name: user.name, password: user.password, ...(user.signInName ? { signInName: user.signInName } : {}) } });
    } finally {
      this.signInsPending--;
    }
  }

  asClientHalf(): ClientHalf {
    return {
      start: async (plan, outputs, sessions) => {
        await this.ready;
        return this.call<SignedInUsers>({ type: 'start', plan, outputs, sessions });
      },
      runCase: (c) => this.call<ClientCaseResult>({ type: 'case', case: c }),
      end: () => this.call<void>({ type: 'end' }),
    };
  }

  terminate(): Promise<number> {
    this.terminating = true;
    return this.worker.terminate();
  }
}

/**
 * A fixed set of client workers; a scenario borrows one for its whole run, and its users'
 * sign-ins are spread over all of them (the client's SRP maths is CPU work, one core each).
 */
export class ClientWorkerPool {
  private readonly idle: ClientWorker[];
  private readonly all: ClientWorker[];

  constructor(size: number, targets: TransportTargets | Promise<TransportTargets>) {
    this.all = Array.from({ length: size }, () => new ClientWorker(targets));
    this.idle = [...this.all];
  }

  get size(): number {
    return this.all.length;
  }

  /** Takes an idle worker; the scheduler never asks for more than `size` at once. */
  acquire(): { client: ClientHalf; release: () => void } {
    const worker = this.idle.pop();
    if (!worker) throw new Error('no idle client worker: the scheduler asked for more scenarios than workers');
    return { client: worker.asClientHalf(), release: () => this.idle.push(worker) };
  }

  /** Signs a user in on the worker with the fewest sign-ins waiting (the first such one). */
  readonly signIn: SignInService = (outputs, user) => {
    const worker = this.all.reduce((best, w) => (w.signInsPending < best.signInsPending ? w : best));
    return worker.signIn(outputs, user);
  };

  async close(): Promise<void> {
    await Promise.all(this.all.map((w) => w.terminate()));
  }
}

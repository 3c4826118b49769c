import { Dispatcher } from 'undici';
import { routeFor, type RouteTarget } from './routes.js';

/** The handler's own methods, bound, so a wrapper can override a few and forward the rest. */
export function bindAll(handler: Dispatcher.DispatchHandlers): Dispatcher.DispatchHandlers {
  const out: Record<string, unknown> = {};
  let proto: object | null = handler;
  while (proto && proto !== Object.prototype) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      const value = (handler as Record<string, unknown>)[key];
      if (key !== 'constructor' && typeof value === 'function' && !(key in out)) out[key] = (value as Function).bind(handler);
    }
    proto = Object.getPrototypeOf(proto);
  }
  return out as Dispatcher.DispatchHandlers;
}

/** Which local service a dispatched request is for, from its origin (undefined: not an AWS host). */
export function routeOf(options: Dispatcher.DispatchOptions): ReturnType<typeof routeFor> | undefined {
  try {
    return routeFor(new URL(String(options.origin ?? '')).hostname);
  } catch {
    return undefined;
  }
}

/**
 * A dispatcher in front of another that may look at (or reshape) the answers to requests for one
 * kind of local service; everything else, and closing, goes straight to the inner dispatcher.
 */
export abstract class WrappingDispatcher extends Dispatcher {
  constructor(protected readonly inner: Dispatcher, private readonly target: RouteTarget) {
    super();
  }

  /** Returns a wrapped handler for this request, or undefined to pass it through untouched. */
  protected abstract wrap(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandlers): Dispatcher.DispatchHandlers | undefined;

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandlers): boolean {
    const wrapped = routeOf(options) === this.target ? this.wrap(options, handler) : undefined;
    return this.inner.dispatch(options, wrapped ?? handler);
  }

  override close(): Promise<void> {
    return this.inner.close();
  }

  override destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

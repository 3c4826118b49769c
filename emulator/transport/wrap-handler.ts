import type { Dispatcher } from 'undici';

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

import type { Dispatcher } from 'undici';
import { routeFor, type RouteTarget } from './routes.js';

/** Which local service a dispatched request is for, from its origin (undefined: not an AWS host). */
export function routeOf(options: Dispatcher.DispatchOptions): ReturnType<typeof routeFor> | undefined {
  try {
    return routeFor(new URL(String(options.origin ?? '')).hostname);
  } catch {
    return undefined;
  }
}

/**
 * An undici interceptor (for `dispatcher.compose()`) that lets `wrap` look at (or reshape) the
 * answers to requests for one kind of local service: `wrap` returns a handler of its own (usually a
 * `DecoratorHandler` around the caller's), or undefined to pass the request through untouched.
 * Every other request, and closing, goes straight to the dispatcher composed upon.
 */
export function interceptRoute(
  target: RouteTarget,
  wrap: (options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandlers) => Dispatcher.DispatchHandlers | undefined,
): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (options, handler) => dispatch(options, (routeOf(options) === target ? wrap(options, handler) : undefined) ?? handler);
}

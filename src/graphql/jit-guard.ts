import { jitRuntime } from 'graphql-jit/dist/runtime';

/**
 * graphql-jit hands each resolver's result to a callback that walks the value: reads its fields
 * (properties and getters, with no resolver of their own) and the objects below. Nothing guards
 * that callback. When it throws after an async resolver, the exception becomes an unhandled
 * rejection: the request never answers, and Node ends the process. After a synchronous resolver
 * it escapes the whole operation. graphql-js instead reports such an exception as an error of
 * the field, so one bad value cannot take a server down.
 *
 * This wraps the two runtime methods that hand results to those callbacks (graphql-jit 0.8). An
 * exception in the walk becomes an error of the resolver's field, and that field's value becomes
 * null, as if the resolver had thrown. graphql-js would name the inner field instead. The wrapping
 * is done once per process; `test/unit/graphql-executor.test.ts` fails if graphql-jit changes
 * these methods' shape.
 */

type Callback = (value: unknown) => void;
type Handler = (ctx: unknown, value: unknown, onSuccess: Callback, onError: Callback) => void;
type Runtime = Record<'handleResolverResult' | 'handleListItemResult', Handler> & { [GUARDED]?: true };

const GUARDED = Symbol('skein.guarded');

export function guardJitCallbacks(): void {
  const rt = jitRuntime as unknown as Runtime;
  if (rt[GUARDED]) return;
  for (const name of ['handleResolverResult', 'handleListItemResult'] as const) {
    const original = rt[name];
    if (typeof original !== 'function')
      throw new Error(`graphql-jit's runtime has no ${name}: check guardJitCallbacks.`);
    rt[name] = function (this: Runtime, ctx, value, onSuccess, onError) {
      original.call(this, ctx, value, guarded(onSuccess, onError), onError);
    };
  }
  rt[GUARDED] = true;
}

const guarded =
  (onSuccess: Callback, onError: Callback): Callback =>
  (value) => {
    try {
      onSuccess(value);
    } catch (err) {
      onError(err);
      onSuccess(null);
    }
  };

import { createRequire } from 'node:module';
import { firstLineOf } from './errors';

/** One of Burrow's optional native packages, loaded, or why not. */
export type LoadedBinding<T> = { binding: T } | { binding: null; reason: string };

/**
 * Loads one of Burrow's native packages (native/*: each exports `{ binding, loadError }` and is
 * optional: Burrow runs without it, slower). Called once per package; callers keep the result.
 */
export function loadNativePackage<T>(name: string): LoadedBinding<T> {
  try {
    const mod = createRequire(import.meta.url)(name) as { binding: T | null; loadError: unknown };
    return mod.binding
      ? { binding: mod.binding }
      : { binding: null, reason: `it was not built (${firstLineOf(mod.loadError)})` };
  } catch (error) {
    return { binding: null, reason: `it is not installed (${firstLineOf(error)})` };
  }
}

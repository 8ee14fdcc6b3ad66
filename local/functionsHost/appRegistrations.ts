/**
 * What one loaded app handed to `@azure/functions-core`: its functions (metadata exactly as Azure
 * would index it, plus the user's handler) and its lifecycle hooks. Shapes follow the worker's
 * `@azure/functions-core` contract, which `@azure/functions` is written against.
 */
export interface CoreBindingInfo {
  type?: string | null;
  direction?: string | null;
  [property: string]: unknown;
}

export interface CoreFunctionMetadata {
  name: string;
  bindings: Record<string, CoreBindingInfo>;
}

export type CoreFunctionCallback = (...args: unknown[]) => unknown;

/** Hook contexts are plain objects the library wraps and mutates (e.g. `functionCallback`, `result`). */
export type CoreHookCallback = (context: object) => unknown;

export type CoreLogLevel = 'trace' | 'debug' | 'information' | 'warning' | 'error' | 'critical' | 'none';

export interface Disposable {
  dispose(): void;
}

export interface RegisteredFunction {
  metadata: CoreFunctionMetadata;
  callback: CoreFunctionCallback;
}

export type HookName = 'appStart' | 'appTerminate' | 'preInvocation' | 'postInvocation';

export class AppRegistrations {
  readonly functions: RegisteredFunction[] = [];
  /** Shared by every hook of the app, as the worker's `appHookData` is. */
  readonly appHookData: Record<string, unknown> = {};
  /** The `hookData` of app-level hooks: appStart writes it, appTerminate reads it. */
  readonly appLevelHookData: Record<string, unknown> = {};
  readonly #hooks = new Map<string, CoreHookCallback[]>();
  readonly #functionsCoreRequesters: object[] = [];
  #loading = true;

  constructor(readonly systemLog: (level: CoreLogLevel, message: string) => void) {}

  addFunction(metadata: CoreFunctionMetadata, callback: CoreFunctionCallback): Disposable {
    // The worker indexes functions once, while the entry files load; later calls are a bug in the app.
    if (!this.#loading) throw new Error('A function can only be registered during app startup.');
    // The worker keys functions by id (the name, as given): a second one throws inside app.http(...).
    // Names that differ only in case get past the worker; the host's checks (functionRegistry) see them.
    if (this.functions.some((fn) => fn.metadata.name === metadata.name)) {
      throw new Error(`A function with id "${metadata.name}" has already been registered.`);
    }
    const registered = { metadata, callback };
    this.functions.push(registered);
    return { dispose: () => this.#remove(this.functions, registered) };
  }

  addHook(name: string, callback: CoreHookCallback): Disposable {
    const callbacks = this.#hooks.get(name) ?? [];
    callbacks.push(callback);
    this.#hooks.set(name, callbacks);
    return { dispose: () => this.#remove(callbacks, callback) };
  }

  /** A module that required `@azure/functions-core` while this app loaded (its library, normally). */
  noteFunctionsCoreRequester(module: unknown): void {
    if (typeof module === 'object' && module !== null) this.#functionsCoreRequesters.push(module);
  }

  /** The exports of each module that required `@azure/functions-core` while this app loaded. */
  functionsCoreRequesterExports(): unknown[] {
    return this.#functionsCoreRequesters.map((module) => Reflect.get(module, 'exports'));
  }

  finishLoading(): void {
    this.#loading = false;
  }

  hasHooks(name: HookName): boolean {
    return (this.#hooks.get(name)?.length ?? 0) > 0;
  }

  /** Runs in registration order, one at a time; a hook that throws stops the rest, as in the worker. */
  async runHooks(name: HookName, context: object): Promise<void> {
    for (const callback of [...(this.#hooks.get(name) ?? [])]) {
      await callback(context);
    }
  }

  #remove<T>(list: T[], item: T): void {
    const index = list.indexOf(item);
    if (index >= 0) list.splice(index, 1);
  }
}

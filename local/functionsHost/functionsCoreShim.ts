import Module from 'node:module';
import type {
  AppRegistrations,
  CoreFunctionCallback,
  CoreFunctionMetadata,
  CoreHookCallback,
  CoreLogLevel,
  Disposable,
} from './appRegistrations';

/**
 * Stands in for `@azure/functions-core`, the module the Azure Functions Node.js worker injects at run
 * time. Without it `@azure/functions` runs in "test mode" and drops every `app.http(...)`; with it the
 * library hands us each registration exactly as the real worker would receive it.
 *
 * The shim is installed process-wide by wrapping Node's `Module._load`, because the library asks for
 * it with a plain CommonJS `require` from inside node_modules (also when the host itself runs under
 * vitest). Registrations go to the app whose entry files are loading, or loaded last (hooks may be
 * registered later; functions may not, as in Azure).
 */
const MODULE_NAME = '@azure/functions-core';

type ModuleLoad = (request: string, parent: unknown, isMain: boolean) => unknown;

/**
 * Kept on globalThis so that two copies of this file in one process (vitest's transformed source and
 * the compiled dist) share one `Module._load` wrapper and one notion of the app being loaded.
 */
interface ShimState {
  currentApp: AppRegistrations | undefined;
  programmingModel: unknown;
}
const STATE_KEY = Symbol.for('acs-trusted-service.functionsCoreShim');
type GlobalWithShim = typeof globalThis & { [STATE_KEY]?: ShimState };

class CoreDisposable implements Disposable {
  #callOnDispose: (() => void) | undefined;

  constructor(callOnDispose: () => void) {
    this.#callOnDispose = callOnDispose;
  }

  static from(...disposables: Disposable[]): CoreDisposable {
    return new CoreDisposable(() => disposables.forEach((disposable) => disposable.dispose()));
  }

  dispose(): void {
    this.#callOnDispose?.();
    this.#callOnDispose = undefined;
  }
}

function createFunctionsCore(state: ShimState) {
  const appRegistering = (): AppRegistrations => {
    if (!state.currentApp) throw new Error('A function can only be registered during app startup.');
    return state.currentApp;
  };
  return {
    version: '4.0.0-local',
    hostVersion: '4.0.0-local',
    Disposable: CoreDisposable,
    setProgrammingModel(model: unknown): void {
      state.programmingModel = model;
    },
    getProgrammingModel(): unknown {
      return state.programmingModel;
    },
    registerFunction(metadata: CoreFunctionMetadata, callback: CoreFunctionCallback): Disposable {
      return appRegistering().addFunction(metadata, callback);
    },
    registerHook(hookName: string, callback: CoreHookCallback): Disposable {
      return appRegistering().addHook(hookName, callback);
    },
    log(level: CoreLogLevel, _category: string, message: string): void {
      state.currentApp?.systemLog(level, message);
    },
  };
}

function installFunctionsCoreShim(): ShimState {
  const global = globalThis as GlobalWithShim;
  const existing = global[STATE_KEY];
  if (existing) return existing;
  const state: ShimState = { currentApp: undefined, programmingModel: undefined };
  const functionsCore = createFunctionsCore(state);
  const loader = Module as unknown as { _load: ModuleLoad };
  const originalLoad = loader._load;
  loader._load = function loadWithFunctionsCore(request, parent, isMain) {
    if (request === MODULE_NAME) {
      // Who asks is the app's copy of @azure/functions, wherever the app keeps it (a bundle may).
      state.currentApp?.noteFunctionsCoreRequester(parent);
      return functionsCore;
    }
    return originalLoad.call(this, request, parent, isMain);
  };
  global[STATE_KEY] = state;
  return state;
}

/** Runs `load` (which requires the app's entry files) with every registration going to `app`. */
export function loadWithRegistrationsTo(app: AppRegistrations, load: () => void): void {
  const state = installFunctionsCoreShim();
  state.currentApp = app;
  try {
    load();
  } finally {
    app.finishLoading();
  }
}

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CoreLogLevel } from './appRegistrations';
import { createFunctionRegistry, type FunctionRegistry } from './functionRegistry';
import { createFunctionsRequestListener, type Mount } from './functionsRequestListener';
import { functionErrorReport, type FunctionError } from './hostRegistrationRules';
import { type FunctionApp, loadFunctionApp } from './loadFunctionApp';
import { PortInUseError } from './portInUseError';
import { readRoutePrefix } from './readRoutePrefix';
import { startTimerListeners, type TimerClock, type TimerListeners } from './timerListener';

export interface FunctionsHostOptions {
  /** Folder holding the app's package.json ("main" may be a glob) and host.json. */
  appRoot: string;
  /** Default 0 (any free port). */
  port?: number;
  /**
   * A socket already bound (see bindHostPort), instead of `port`: for a caller that must know the port
   * before the app loads (its settings name the host's own URL), without the race of a port freed and
   * taken again.
   */
  bound?: BoundPort;
  /** Default '127.0.0.1'. */
  hostname?: string;
  /** Default 65536; larger bodies get 413 before the function runs. */
  maxRequestBodyBytes?: number;
  /** Extra non-function handlers (e.g. the dev sign-in issuer at '/dev'), matched before functions. */
  mounts?: Mount[];
  /** Where host and function logs go; default console.log. */
  log?: (line: string) => void;
  /**
   * Host names to answer besides the loopback ones (and `hostname`, when it is a specific address);
   * a request whose Host header names anything else gets 403 before routing (DNS rebinding).
   */
  allowedHosts?: readonly string[];
  /**
   * The app settings a schedule's `%NAME%` reads; default process.env (where the app reads its own).
   */
  settings?: Readonly<Record<string, string | undefined>>;
  /** When timer functions run: the system clock unless a test moves one by hand. */
  timerClock?: TimerClock;
}

export interface FunctionsHost {
  /** http://127.0.0.1:PORT, no trailing slash. */
  url: string;
  /** host.json extensions.http.routePrefix ("api" by default); function routes sit under it. */
  routePrefix: string;
  /** Routes as registered (relative to routePrefix), most specific first. */
  functions: Array<{ name: string; route: string; methods: string[] }>;
  /** Timer functions, run on their NCRONTAB schedules (UTC) once the app has started. */
  timers: Array<{ name: string; schedule: string }>;
  /** Functions the Azure Functions host would refuse; they are not served (404) or run here either. */
  functionErrors: FunctionError[];
  /**
   * Stops the timers and accepting requests, lets invocations in flight finish (requests 5 s at most), then
   * runs appTerminate hooks.
   */
  close(): Promise<void>;
}

const DEFAULT_MAX_REQUEST_BODY_BYTES = 65_536;
const CLOSE_GRACE_MS = 5_000;
const QUIET_SYSTEM_LEVELS = new Set<CoreLogLevel>(['trace', 'debug', 'none']);

function systemLogTo(log: (line: string) => void) {
  return (level: CoreLogLevel, message: string): void => {
    if (!QUIET_SYSTEM_LEVELS.has(level)) log(`[functions] ${level}: ${message}`);
  };
}

/** A listening server that no request is routed on yet, and its port. */
export interface BoundPort {
  server: Server;
  port: number;
}

/**
 * Binds the host's port now; the host routes requests once it has loaded the app (startFunctionsHost).
 * Until then a request is answered 503 with Retry-After, not left waiting on a server with no handler.
 */
export async function bindHostPort(port: number, hostname = '127.0.0.1'): Promise<BoundPort> {
  const server = createServer((_req, res) => {
    res.writeHead(503, { 'content-type': 'application/problem+json', 'retry-after': '1' }).end(
      JSON.stringify({
        type: 'about:blank',
        title: 'Service unavailable',
        status: 503,
        detail: 'The host is starting.',
        code: 'HostStarting',
      }),
    );
  });
  return { server, port: await listen(server, port, hostname) };
}

function listen(server: Server, port: number, hostname: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, hostname) : error);
    };
    server.once('error', onError);
    server.listen(port, hostname, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    const forceClose = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
    server.close(() => {
      clearTimeout(forceClose);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/** A specific address the host was bound to is a name its clients use; a wildcard is not. */
function boundHostnames(hostname: string): string[] {
  if (hostname === '0.0.0.0' || hostname === '::' || hostname === '') return [];
  return [hostname.includes(':') ? `[${hostname.toLowerCase()}]` : hostname.toLowerCase()];
}

function originOf(hostname: string, port: number): string {
  const host = hostname.includes(':') ? `[${hostname}]` : hostname;
  return `http://${host}:${port}`;
}

function logFunctions(log: (line: string) => void, url: string, registry: FunctionRegistry): void {
  if (registry.functions.length === 0 && registry.timers.length === 0 && registry.errors.length === 0) {
    log('No functions were registered. (Did something call app.http before the host loaded the app?)');
    return;
  }
  log('Functions:');
  const prefix = registry.routePrefix ? `/${registry.routePrefix}` : '';
  for (const fn of registry.functions) {
    log(`  ${fn.name}: [${fn.methods.join(',')}] ${url}${prefix}/${fn.route}`);
  }
  for (const timer of registry.timers) log(`  ${timer.name}: timerTrigger (${timer.schedule.expression})`);
  for (const line of functionErrorReport(registry.errors)) log(line);
}

async function runAppTerminate(app: FunctionApp, log: (line: string) => void): Promise<void> {
  const { registrations } = app;
  try {
    await registrations.runHooks('appTerminate', {
      hookData: registrations.appLevelHookData,
      appHookData: registrations.appHookData,
    });
  } catch (error) {
    log(
      `appTerminate hook failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
  }
}

/**
 * Serves an Azure Functions (Node.js v4 model) app the way the Functions host would: loads its entry
 * files with `@azure/functions-core` shimmed so every registration reaches this host, binds the port,
 * runs appStart hooks, then routes requests to the HTTP functions and runs the timer functions on their
 * schedules (other triggers are logged and left out).
 *
 * One app per process: the app's modules stay in Node's require cache (see loadFunctionApp).
 */
export async function startFunctionsHost(options: FunctionsHostOptions): Promise<FunctionsHost> {
  const log = options.log ?? ((line: string) => console.log(line));
  const hostname = options.hostname ?? '127.0.0.1';
  const app = loadFunctionApp(options.appRoot, systemLogTo(log));
  const registry = createFunctionRegistry(
    app.registrations.functions,
    readRoutePrefix(app.appRoot),
    log,
    options.settings ?? process.env,
  );

  const { server, port } = options.bound ?? (await bindHostPort(options.port ?? 0, hostname));
  const origin = originOf(hostname, port);
  let markStarted: (started: boolean) => void = () => undefined;
  const started = new Promise<boolean>((resolve) => (markStarted = resolve));
  // Attached before any connection can be accepted (we are still in the 'listening' turn, or a port bound
  // earlier was answering 503 until now); requests then wait for `started`, so none reaches a function
  // before the appStart hooks have run.
  server.removeAllListeners('request');
  server.on(
    'request',
    createFunctionsRequestListener({
      app,
      registry,
      mounts: options.mounts ?? [],
      maxRequestBodyBytes: options.maxRequestBodyBytes ?? DEFAULT_MAX_REQUEST_BODY_BYTES,
      log,
      origin,
      allowedHosts: [...(options.allowedHosts ?? []), ...boundHostnames(hostname)],
      started,
    }),
  );

  try {
    await app.registrations.runHooks('appStart', {
      hookData: app.registrations.appLevelHookData,
      appHookData: app.registrations.appHookData,
      functionAppDirectory: app.appRoot,
    });
  } catch (error) {
    markStarted(false);
    await closeServer(server);
    throw new Error(`an appStart hook failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  markStarted(true);
  logFunctions(log, origin, registry);
  const timers: TimerListeners = startTimerListeners(app, registry.timers, {
    log,
    ...(options.timerClock ? { clock: options.timerClock } : {}),
  });

  let closing: Promise<void> | undefined;
  return {
    url: origin,
    routePrefix: registry.routePrefix,
    functions: registry.functions.map(({ name, route, methods }) => ({ name, route, methods: [...methods] })),
    timers: registry.timers.map((timer) => ({ name: timer.name, schedule: timer.schedule.expression })),
    functionErrors: registry.errors.map((error) => ({ ...error })),
    close: () =>
      (closing ??= Promise.all([timers.stop(), closeServer(server)]).then(() => runAppTerminate(app, log))),
  };
}

import type { EffectiveFunctionOptions } from '@azure/functions';
import type { CoreBindingInfo, CoreFunctionCallback, RegisteredFunction } from './appRegistrations';
import {
  effectiveRoute,
  functionNameError,
  hostRouteTemplate,
  reservedRouteError,
  routeConflictError,
  routeCreationError,
  type FunctionError,
} from './hostRegistrationRules';
import { compareRoutePrecedence, compileRouteTemplate, type RouteTemplate } from './routeTemplate';
import { RouteTemplateError } from './routeTemplateError';
import { timerCandidate, type TimerFunction } from './timerFunction';

/** An HTTP-triggered function as the app registered it, ready to route to. */
export interface HttpFunction {
  name: string;
  /** The route as registered (the function name when absent), relative to the route prefix. */
  route: string;
  methods: string[];
  template: RouteTemplate;
  callback: CoreFunctionCallback;
  /** What `context.options` shows the handler, built from the metadata as the library does. */
  options: EffectiveFunctionOptions;
}

export type RouteLookup =
  | { kind: 'found'; fn: HttpFunction; params: Record<string, string> }
  | { kind: 'methodNotAllowed'; allow: string[] }
  | { kind: 'notFound' };

export interface FunctionRegistry {
  readonly routePrefix: string;
  /** Most specific route first. */
  readonly functions: readonly HttpFunction[];
  /** Timer-triggered functions, in registration order: run on their schedules once the app started. */
  readonly timers: readonly TimerFunction[];
  /** Functions the Functions host would refuse, in registration order: not served (404), not run. */
  readonly errors: readonly FunctionError[];
  lookup(method: string, path: string): RouteLookup;
}

const DEFAULT_METHODS = ['GET', 'POST'];
const RETURN_BINDING = '$return';

function isTrigger(binding: CoreBindingInfo): boolean {
  return /trigger$/i.test(binding.type ?? '');
}

export function toOptions(bindings: Record<string, CoreBindingInfo>): EffectiveFunctionOptions | undefined {
  const entries = Object.entries(bindings).map(([name, binding]) => ({
    ...binding,
    type: binding.type ?? '',
    name,
  }));
  const trigger = entries.find(isTrigger);
  if (!trigger) return undefined;
  const returned = entries.find((binding) => binding.name === RETURN_BINDING);
  return {
    trigger,
    ...(returned ? { return: returned } : {}),
    extraInputs: entries.filter((b) => !isTrigger(b) && b.direction === 'in'),
    extraOutputs: entries.filter((b) => b.name !== RETURN_BINDING && b.direction === 'out'),
  };
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : undefined;
}

/** An HTTP function as declared, before its route is checked and compiled. */
interface HttpCandidate extends Omit<HttpFunction, 'template'> {
  /** As the host reads it: the declared route, or the name when that is blank; not trimmed. */
  hostRoute: string;
  /** As declared; empty when the trigger names none (the host's "every method"). */
  declaredMethods: string[];
}

function toHttpCandidate(registered: RegisteredFunction): HttpCandidate | undefined {
  const { name, bindings } = registered.metadata;
  const options = toOptions(bindings);
  if (options?.trigger.type.toLowerCase() !== 'httptrigger') return undefined;
  const declaredRoute = typeof options.trigger.route === 'string' ? options.trigger.route : undefined;
  const hostRoute = effectiveRoute(name, declaredRoute);
  const declaredMethods = (stringList(options.trigger.methods) ?? []).map((m) => m.toUpperCase());
  const methods = declaredMethods.length > 0 ? declaredMethods : DEFAULT_METHODS;
  const route = hostRoute.replace(/^\/+|\/+$/g, '');
  return { name, route, hostRoute, methods, declaredMethods, callback: registered.callback, options };
}

function describeSkipped(registered: RegisteredFunction): string {
  const trigger = Object.values(registered.metadata.bindings).find(isTrigger);
  return `skipping function "${registered.metadata.name}": its ${trigger?.type ?? 'unknown'} trigger is not served by the local host`;
}

function describeUnboundBindings(fn: HttpCandidate): string | undefined {
  const extra = [...fn.options.extraInputs, ...fn.options.extraOutputs].map((binding) => binding.type);
  if (extra.length === 0) return undefined;
  return `function "${fn.name}" declares ${extra.join(', ')} bindings, which the local host does not provide`;
}

function lookupIn(functions: readonly HttpFunction[], method: string, path: string): RouteLookup {
  const allow = new Set<string>();
  for (const fn of functions) {
    const params = fn.template.match(path);
    if (!params) continue;
    if (fn.methods.includes(method.toUpperCase())) return { kind: 'found', fn, params };
    fn.methods.forEach((allowed) => allow.add(allowed));
  }
  return allow.size > 0 ? { kind: 'methodNotAllowed', allow: [...allow] } : { kind: 'notFound' };
}

/**
 * What the app registered, checked as the Functions host checks it, in the host's order: the function
 * name, then the route (reserved prefixes, then a conflict with a function registered earlier), then
 * the route template. A function that fails is left out and reported in `errors`, worded as the host
 * logs it; the others are served.
 */
export function createFunctionRegistry(
  registered: readonly RegisteredFunction[],
  routePrefix: string,
  log: (line: string) => void,
  settings: Readonly<Record<string, string | undefined>> = {},
): FunctionRegistry {
  const errors: FunctionError[] = [];
  const validated: HttpCandidate[] = [];
  const timers: TimerFunction[] = [];
  for (const candidate of registered) {
    const { name } = candidate.metadata;
    const nameError = functionNameError(name);
    if (nameError) {
      errors.push({ name, message: nameError });
      continue;
    }
    const fn = toHttpCandidate(candidate);
    if (!fn) {
      const timer = timerCandidate(candidate, toOptions(candidate.metadata.bindings), settings);
      if (timer?.kind === 'timer') timers.push(timer.timer);
      else if (timer?.kind === 'error') errors.push({ name, message: timer.message });
      else log(timer?.kind === 'skipped' ? timer.reason : describeSkipped(candidate));
      continue;
    }
    const claims = validated.map((other) => ({
      ...other,
      route: other.hostRoute,
      methods: other.declaredMethods,
    }));
    const routeError =
      reservedRouteError(fn.hostRoute) ??
      routeConflictError({ name, route: fn.hostRoute, methods: fn.declaredMethods }, claims);
    if (routeError) {
      errors.push({ name, message: routeError });
      continue;
    }
    validated.push(fn);
  }
  const functions: HttpFunction[] = [];
  for (const fn of validated) {
    const template = hostRouteTemplate(routePrefix, fn.hostRoute);
    try {
      const { hostRoute: _hostRoute, declaredMethods: _declaredMethods, ...served } = fn;
      functions.push({ ...served, template: compileRouteTemplate(template) });
    } catch (error) {
      if (!(error instanceof RouteTemplateError)) throw error;
      errors.push({ name: fn.name, message: routeCreationError(fn.name, template, error.message) });
      continue;
    }
    const unbound = describeUnboundBindings(fn);
    if (unbound) log(unbound);
  }
  // Array.prototype.sort is stable: equally specific routes keep registration order.
  functions.sort((a, b) => compareRoutePrecedence(a.template, b.template));
  return {
    routePrefix,
    functions,
    timers,
    errors,
    lookup: (method, path) => lookupIn(functions, method, path),
  };
}

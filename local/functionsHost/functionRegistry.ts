import type { EffectiveFunctionOptions } from '@azure/functions';
import type { CoreBindingInfo, CoreFunctionCallback, RegisteredFunction } from './appRegistrations';
import { compareRoutePrecedence, compileRouteTemplate, type RouteTemplate } from './routeTemplate';

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
  lookup(method: string, path: string): RouteLookup;
}

const DEFAULT_METHODS = ['GET', 'POST'];
const RETURN_BINDING = '$return';

function isTrigger(binding: CoreBindingInfo): boolean {
  return /trigger$/i.test(binding.type ?? '');
}

function toOptions(bindings: Record<string, CoreBindingInfo>): EffectiveFunctionOptions | undefined {
  const entries = Object.entries(bindings).map(([name, binding]) => ({
    ...binding,
    type: binding.type ?? '',
    name,
  }));
  const trigger = entries.find(isTrigger);
  if (!trigger) return undefined;
  return {
    trigger,
    return: entries.find((binding) => binding.name === RETURN_BINDING),
    extraInputs: entries.filter((b) => !isTrigger(b) && b.direction === 'in'),
    extraOutputs: entries.filter((b) => b.name !== RETURN_BINDING && b.direction === 'out'),
  };
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : undefined;
}

function toHttpFunction(registered: RegisteredFunction, routePrefix: string): HttpFunction | undefined {
  const { name, bindings } = registered.metadata;
  const options = toOptions(bindings);
  if (options?.trigger.type.toLowerCase() !== 'httptrigger') return undefined;
  const declaredRoute = typeof options.trigger.route === 'string' ? options.trigger.route : '';
  const route = declaredRoute.replace(/^\/+|\/+$/g, '') || name;
  const methods = (stringList(options.trigger.methods) ?? DEFAULT_METHODS).map((m) => m.toUpperCase());
  const template = compileRouteTemplate(`${routePrefix}/${route}`);
  return { name, route, methods, template, callback: registered.callback, options };
}

function describeSkipped(registered: RegisteredFunction): string {
  const trigger = Object.values(registered.metadata.bindings).find(isTrigger);
  return `skipping function "${registered.metadata.name}": its ${trigger?.type ?? 'unknown'} trigger is not served by the local host`;
}

function describeUnboundBindings(fn: HttpFunction): string | undefined {
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

export function createFunctionRegistry(
  registered: readonly RegisteredFunction[],
  routePrefix: string,
  log: (line: string) => void,
): FunctionRegistry {
  const functions: HttpFunction[] = [];
  for (const candidate of registered) {
    const fn = toHttpFunction(candidate, routePrefix);
    if (!fn) {
      log(describeSkipped(candidate));
      continue;
    }
    const unbound = describeUnboundBindings(fn);
    if (unbound) log(unbound);
    functions.push(fn);
  }
  // Array.prototype.sort is stable: equally specific routes keep registration order.
  functions.sort((a, b) => compareRoutePrecedence(a.template, b.template));
  return { routePrefix, functions, lookup: (method, path) => lookupIn(functions, method, path) };
}

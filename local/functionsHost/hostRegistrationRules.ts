/**
 * The checks the Azure Functions host makes before it serves a function, worded as it logs them, so
 * that a function the local host serves is one Azure serves too. Sources (Azure/azure-functions-host):
 * the function name rule is `Utility.IsValidFunctionName`, applied to worker-indexed functions by
 * `WorkerFunctionMetadataProvider.ValidateName`; the route rules are `ScriptHost.ValidateHttpFunction`
 * and `ScriptHost.HttpRoutesConflict`; route templates are parsed by ASP.NET Core routing when
 * `WebJobsRouteBuilder` builds `routePrefix + '/' + route` (see parseRouteTemplate).
 */

/** A function the host refused: the log says `The '<name>' function is in error: <message>`. */
export interface FunctionError {
  name: string;
  message: string;
}

export function describeFunctionError(error: FunctionError): string {
  return `The '${error.name}' function is in error: ${error.message}`;
}

/**
 * The refused functions in plain words, as the host's log and `npm start` print them: each answers 404
 * here, so none may go unnoticed. No lines when there are none.
 */
export function functionErrorReport(errors: readonly FunctionError[]): string[] {
  if (errors.length === 0) return [];
  return [
    `${errors.length} function(s) in error: not served here (404), and Azure refuses them too:`,
    ...errors.map((error) => `  ${describeFunctionError(error)}`),
  ];
}

// A letter, then up to 127 letters, digits, `_` or `-`; and not `host`, any case.
const FUNCTION_NAME = /^[a-z][a-z0-9_-]{0,127}$/i;

export function functionNameError(name: string): string | undefined {
  return FUNCTION_NAME.test(name) && name.toLowerCase() !== 'host'
    ? undefined
    : `'${name}' is not a valid function name.`;
}

/** The route the host validates: the declared one, or the function name when it is blank. */
export function effectiveRoute(name: string, declaredRoute: string | undefined): string {
  return declaredRoute === undefined || declaredRoute.trim() === '' ? name : declaredRoute;
}

function trimSlashes(route: string): string {
  return route.replace(/^\/+|\/+$/g, '');
}

/**
 * `admin*` and `runtime*` belong to the host's own API, whatever the route prefix is: the check is a
 * plain prefix test of the route (so `administration/x` is refused too), trimmed of `/`, any case.
 */
export function reservedRouteError(route: string): string | undefined {
  const normalized = trimSlashes(route).toLowerCase();
  return normalized.startsWith('admin') || normalized.startsWith('runtime')
    ? 'The specified route conflicts with one or more built in routes.'
    : undefined;
}

export interface RouteClaim {
  name: string;
  route: string;
  /** Empty: every method (the host's reading of a trigger without methods). */
  methods: readonly string[];
}

/**
 * Two functions conflict when their routes are the same text (trimmed of `/`, any case) and they share
 * a method; the one registered later is refused. Templates that differ only in parameter names
 * (`calls/{id}`, `calls/{callId}`) do not conflict by this rule, as in the host.
 */
export function routeConflictError(
  candidate: RouteClaim,
  accepted: readonly RouteClaim[],
): string | undefined {
  const route = trimSlashes(candidate.route).toLowerCase();
  const methods = candidate.methods.map((method) => method.toUpperCase());
  const conflicting = accepted.find((other) => {
    if (trimSlashes(other.route).toLowerCase() !== route) return false;
    if (methods.length === 0 || other.methods.length === 0) return true;
    return other.methods.some((method) => methods.includes(method.toUpperCase()));
  });
  return conflicting
    ? `The route specified conflicts with the route defined by function '${conflicting.name}'.`
    : undefined;
}

/** The host builds each route as `routePrefix/route`, the route as declared (a leading `/` included). */
export function hostRouteTemplate(routePrefix: string, route: string): string {
  return routePrefix === '' ? route : `${routePrefix}/${route}`;
}

export function routeCreationError(name: string, template: string, reason: string): string {
  return `An error occurred while creating the route with name '${name}' and template '${template}'. ${reason}`;
}

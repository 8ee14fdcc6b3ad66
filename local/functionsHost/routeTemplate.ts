import { parseRouteTemplate, type RouteParameter, type RouteTemplateSegment } from './parseRouteTemplate';

/**
 * A compiled Functions route template (`calls/{id}`, `{id?}`, `{id:int}`, `{*rest}`, `{a}.{b}`),
 * matched the way the Functions host (ASP.NET Core routing) matches it: literal text
 * case-insensitively, parameter values percent-decoded after the path is split into segments, so an
 * encoded `/` (`%2F`) stays inside one parameter.
 */
export interface RouteTemplate {
  readonly template: string;
  /** One rank per segment, lower is more specific: literal, mixed, constrained, plain, catch-all. */
  readonly precedence: readonly number[];
  /** `path` is the request's still-encoded pathname, e.g. `/api/calls/abc`. */
  match(path: string): Record<string, string> | undefined;
}

const RANK = { literal: 1, mixed: 2, constrained: 3, plain: 4, catchAll: 5 } as const;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function rankOf(parts: RouteTemplateSegment): number {
  const [only] = parts;
  if (parts.length !== 1 || only === undefined) return RANK.mixed;
  if ('literal' in only) return RANK.literal;
  if (only.parameter.catchAll) return RANK.catchAll;
  return only.parameter.constraints.length > 0 ? RANK.constrained : RANK.plain;
}

function segmentPattern(parts: RouteTemplateSegment): string {
  const [only] = parts;
  if (parts.length === 1 && only !== undefined && 'parameter' in only) {
    const { parameter } = only;
    // parseRouteTemplate has checked that a catch-all is the last segment.
    if (parameter.catchAll) return '(?:/(.*))?';
    return parameter.optional ? '(?:/([^/]+))?' : '/([^/]+)';
  }
  const body = parts.map((part) => ('literal' in part ? escapeRegExp(part.literal) : '([^/]+?)')).join('');
  return `/${body}`;
}

function decodeOrUndefined(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

function bindParameters(
  parameters: RouteParameter[],
  captures: Array<string | undefined>,
): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (const [index, parameter] of parameters.entries()) {
    const raw = captures[index];
    if (raw === undefined || raw === '') {
      if (parameter.defaultValue !== undefined) params[parameter.name] = parameter.defaultValue;
      continue;
    }
    const value = decodeOrUndefined(raw);
    if (value === undefined) return undefined;
    if (!parameter.constraints.every((accepts) => accepts(value))) return undefined;
    params[parameter.name] = value;
  }
  return params;
}

/** Throws RouteTemplateError for a template the Functions host would refuse (see parseRouteTemplate). */
export function compileRouteTemplate(template: string): RouteTemplate {
  const parsed = parseRouteTemplate(template);
  const parameters = parsed.flat().flatMap((part) => ('parameter' in part ? [part.parameter] : []));
  const source = parsed.map(segmentPattern).join('');
  const pattern = new RegExp(`^${source}/?$`, 'i');
  return {
    template: template.replace(/^~?\/+/, ''),
    precedence: parsed.map(rankOf),
    match(path) {
      const found = pattern.exec(path);
      return found ? bindParameters(parameters, found.slice(1)) : undefined;
    },
  };
}

/** Orders templates so the most specific is tried first, e.g. `calls/mine` before `calls/{id}`. */
export function compareRoutePrecedence(a: RouteTemplate, b: RouteTemplate): number {
  const length = Math.min(a.precedence.length, b.precedence.length);
  for (let i = 0; i < length; i++) {
    const difference = (a.precedence[i] ?? 0) - (b.precedence[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return a.precedence.length - b.precedence.length;
}

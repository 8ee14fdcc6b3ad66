import { parseRouteConstraint, type RouteConstraint } from './routeConstraint';
import { RouteTemplateError } from './routeTemplateError';

/**
 * A route template parsed with the rules of ASP.NET Core routing (`RoutePatternParser`), which the
 * Functions host builds its routes with: a template it would refuse throws a RouteTemplateError with
 * the message ASP.NET Core gives, so a route that loads here loads in Azure too.
 */
export interface RouteParameter {
  name: string;
  optional: boolean;
  catchAll: boolean;
  defaultValue: string | undefined;
  constraints: RouteConstraint[];
}

export type RouteTemplatePart = { literal: string } | { parameter: RouteParameter };

/** One path segment: literal text and parameters, e.g. `{name}.{ext}` is three parts. */
export type RouteTemplateSegment = RouteTemplatePart[];

const INVALID_PARAMETER_NAME_CHARACTERS = /[/{}?*]/;

const messages = {
  consecutiveSeparators:
    "The route template separator character '/' cannot appear consecutively. It must be separated by either a parameter or a literal value.",
  mismatchedParameter:
    "There is an incomplete parameter in the route template. Check that each '{' character has a matching '}' character.",
  unescapedBrace: "In a route parameter, '{' and '}' must be escaped with '{{' and '}}'.",
  tildeStart: "The route template cannot start with a '~' character unless followed by a '/'.",
  catchAllCannotBeOptional: 'A catch-all parameter cannot be marked optional.',
  optionalWithDefault: 'An optional parameter cannot have default value.',
  catchAllInMultiSegment:
    'A path segment that contains more than one section, such as a literal section or a parameter, cannot contain a catch-all parameter.',
  consecutiveParameters:
    "A path segment cannot contain two consecutive parameters. They must be separated by a '/' or by a literal string.",
  catchAllMustBeLast: 'A catch-all parameter can only appear as the last segment of the route template.',
  invalidLiteral: (literal: string) =>
    `The literal section '${literal}' is invalid. Literal sections cannot contain the '?' character.`,
  invalidParameterName: (name: string) =>
    `The route parameter name '${name}' is invalid. Route parameter names must be non-empty and cannot contain these characters: '{{', '}}', '/'. The '?' character marks a parameter as optional, and can occur only at the end of the parameter. The '*' character marks a parameter as catch-all, and can occur only at the start of the parameter.`,
  unknownConstraint: (parameter: string, constraint: string, template: string) =>
    `The constraint entry '${parameter}' - '${constraint}' on the route '${template}' could not be resolved by the constraint resolver of type 'DefaultInlineConstraintResolver'.`,
  repeatedParameter: (name: string) =>
    `The route parameter name '${name}' appears more than one time in the route template.`,
  optionalNotLast: (segment: string, name: string, next: string) =>
    `An optional parameter must be at the end of the segment. In the segment '${segment}', optional parameter '${name}' is followed by '${next}'.`,
  optionalAfterNonPeriod: (segment: string, name: string, previous: string) =>
    `In the segment '${segment}', the optional parameter '${name}' is preceded by an invalid segment '${previous}'. Only a period (.) can precede an optional parameter.`,
};

/** Reads a template character by character; `{{` and `}}` are escaped braces. */
class TemplateReader {
  index = 0;
  readonly parameterNames = new Set<string>();

  /** `template` as given, for messages; `text` without its leading `/` or `~/`. */
  constructor(
    readonly template: string,
    readonly text: string,
  ) {}

  get current(): string | undefined {
    return this.text[this.index];
  }

  peek(offset = 1): string | undefined {
    return this.text[this.index + offset];
  }

  atEnd(): boolean {
    return this.index >= this.text.length;
  }
}

function withoutLeadingSeparator(template: string): string {
  if (template.startsWith('~/')) return template.slice(2);
  if (template.startsWith('/')) return template.slice(1);
  if (template.startsWith('~')) throw new RouteTemplateError(messages.tildeStart);
  return template;
}

function unescapeBraces(text: string): string {
  return text.replaceAll('}}', '}').replaceAll('{{', '{');
}

function readLiteral(reader: TemplateReader): RouteTemplatePart {
  const start = reader.index;
  while (!reader.atEnd() && reader.current !== '/') {
    if (reader.current === '{') {
      if (reader.peek() === undefined) throw new RouteTemplateError(messages.mismatchedParameter);
      if (reader.peek() !== '{') break;
      reader.index += 2;
      continue;
    }
    if (reader.current === '}') {
      if (reader.peek() !== '}') throw new RouteTemplateError(messages.mismatchedParameter);
      reader.index += 2;
      continue;
    }
    reader.index += 1;
  }
  const literal = unescapeBraces(reader.text.slice(start, reader.index));
  if (literal.includes('?')) throw new RouteTemplateError(messages.invalidLiteral(literal));
  return { literal };
}

/** From `{` to its closing `}`; braces inside (a regex constraint's, say) must be doubled. */
function readParameterText(reader: TemplateReader): string {
  const start = reader.index + 1;
  reader.index += 1;
  for (;;) {
    const char = reader.current;
    if (char === undefined) throw new RouteTemplateError(messages.mismatchedParameter);
    if (char === '{') {
      if (reader.peek() === undefined) throw new RouteTemplateError(messages.mismatchedParameter);
      if (reader.peek() !== '{') throw new RouteTemplateError(messages.unescapedBrace);
      reader.index += 2;
      continue;
    }
    if (char === '}') {
      if (reader.peek() === '}') {
        reader.index += 2;
        continue;
      }
      const text = reader.text.slice(start, reader.index);
      reader.index += 1;
      return text;
    }
    reader.index += 1;
  }
}

/** Splits `name:constraint(args):other=default` at the colons and equals sign outside parentheses. */
function splitParameter(spec: string): { name: string; constraints: string[]; defaultValue?: string } {
  const name = /^[^:=]*/.exec(spec)?.[0] ?? '';
  const constraints: string[] = [];
  let index = name.length;
  while (index < spec.length) {
    if (spec[index] === '=') return { name, constraints, defaultValue: spec.slice(index + 1) };
    let depth = 0;
    let end = index + 1;
    for (; end < spec.length; end++) {
      const char = spec[end];
      if (char === '(') depth += 1;
      else if (char === ')') depth = Math.max(0, depth - 1);
      else if (depth === 0 && (char === ':' || char === '=')) break;
    }
    constraints.push(spec.slice(index + 1, end));
    index = end;
  }
  return { name, constraints };
}

function readParameter(reader: TemplateReader): RouteTemplatePart {
  const raw = readParameterText(reader);
  if (raw === '') throw new RouteTemplateError(messages.invalidParameterName(''));
  const decoded = unescapeBraces(raw);
  let spec = decoded;
  const catchAll = spec.startsWith('*');
  spec = spec.replace(/^\*{1,2}/, '');
  const optional = spec.endsWith('?');
  if (optional) spec = spec.slice(0, -1);
  if (catchAll && optional) throw new RouteTemplateError(messages.catchAllCannotBeOptional);
  const { name, constraints, defaultValue } = splitParameter(spec);
  if (optional && defaultValue !== undefined) throw new RouteTemplateError(messages.optionalWithDefault);
  if (name === '' || INVALID_PARAMETER_NAME_CHARACTERS.test(name)) {
    throw new RouteTemplateError(messages.invalidParameterName(name));
  }
  // ASP.NET Core compares parameter names case-insensitively.
  const key = name.toLowerCase();
  if (reader.parameterNames.has(key)) throw new RouteTemplateError(messages.repeatedParameter(name));
  reader.parameterNames.add(key);
  return {
    parameter: {
      name,
      optional: optional || defaultValue !== undefined,
      catchAll,
      defaultValue,
      constraints: constraints.map((constraint) => {
        const check = parseRouteConstraint(constraint);
        if (!check)
          throw new RouteTemplateError(messages.unknownConstraint(name, constraint, reader.template));
        return check;
      }),
    },
  };
}

function describePart(part: RouteTemplatePart): string {
  if ('literal' in part) return part.literal;
  const { parameter } = part;
  return `{${parameter.catchAll ? '*' : ''}${parameter.name}${parameter.optional ? '?' : ''}}`;
}

function checkSegment(parts: RouteTemplateSegment): void {
  if (parts.length > 1 && parts.some((part) => 'parameter' in part && part.parameter.catchAll)) {
    throw new RouteTemplateError(messages.catchAllInMultiSegment);
  }
  const described = parts.map(describePart).join('');
  for (const [index, part] of parts.entries()) {
    if (!('parameter' in part) || !part.parameter.optional || parts.length === 1) continue;
    // `{name}.{ext?}` is allowed: an optional parameter may end a segment after a period.
    if (part.parameter.defaultValue !== undefined) continue;
    const next = parts[index + 1];
    if (next) {
      throw new RouteTemplateError(
        messages.optionalNotLast(described, part.parameter.name, describePart(next)),
      );
    }
    const previous = parts[index - 1];
    if (previous && !('literal' in previous && previous.literal === '.')) {
      throw new RouteTemplateError(
        messages.optionalAfterNonPeriod(described, part.parameter.name, describePart(previous)),
      );
    }
  }
  for (let index = 1; index < parts.length; index++) {
    if ('parameter' in (parts[index] ?? {}) && 'parameter' in (parts[index - 1] ?? {})) {
      throw new RouteTemplateError(messages.consecutiveParameters);
    }
  }
}

function readSegment(reader: TemplateReader): RouteTemplateSegment {
  const parts: RouteTemplateSegment = [];
  while (!reader.atEnd() && reader.current !== '/') {
    const opensParameter = reader.current === '{' && reader.peek() !== '{';
    if (reader.current === '{' && reader.peek() === undefined) {
      throw new RouteTemplateError(messages.mismatchedParameter);
    }
    parts.push(opensParameter ? readParameter(reader) : readLiteral(reader));
  }
  checkSegment(parts);
  return parts;
}

/** Throws RouteTemplateError, with ASP.NET Core's message, for a template the Functions host refuses. */
export function parseRouteTemplate(template: string): RouteTemplateSegment[] {
  const reader = new TemplateReader(template, withoutLeadingSeparator(template));
  const segments: RouteTemplateSegment[] = [];
  while (!reader.atEnd()) {
    if (reader.current === '/') throw new RouteTemplateError(messages.consecutiveSeparators);
    segments.push(readSegment(reader));
    // Past the separator; a template may end with one.
    reader.index += 1;
  }
  const last = segments.length - 1;
  segments.forEach((parts, index) => {
    const catchAllAt = parts.findIndex((part) => 'parameter' in part && part.parameter.catchAll);
    if (catchAllAt >= 0 && (index !== last || catchAllAt !== parts.length - 1)) {
      throw new RouteTemplateError(messages.catchAllMustBeLast);
    }
  });
  return segments;
}

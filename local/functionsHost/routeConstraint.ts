import { RouteTemplateError } from './routeTemplateError';

/**
 * Inline route constraints (`{id:int}`), with the names and meaning ASP.NET Core routing gives them,
 * since that is what the Functions host uses. A name ASP.NET Core does not know, or the wrong number
 * of arguments, makes the route fail to build there, so it throws here, with ASP.NET Core's message.
 */
export type RouteConstraint = (value: string) => boolean;

const INT32 = { min: -(2n ** 31n), max: 2n ** 31n - 1n };
const INT64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };

const GUID_PATTERNS = [
  /^[0-9a-f]{32}$/i,
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  /^\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}$/i,
  /^\([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\)$/i,
];

function parseInteger(value: string): bigint | undefined {
  return /^[+-]?\d+$/.test(value.trim()) ? BigInt(value.trim()) : undefined;
}

function isBetween(n: bigint | undefined, low: bigint, high: bigint): boolean {
  return n !== undefined && n >= low && n <= high;
}

function isNumber(value: string): boolean {
  return value.trim() !== '' && Number.isFinite(Number(value));
}

/** The last path segment has an extension: `a/b.txt` is a file name, `a/b` and `a/b.` are not. */
function isFileName(value: string): boolean {
  const last = value.slice(value.lastIndexOf('/') + 1);
  const dot = last.lastIndexOf('.');
  return dot > 0 && dot < last.length - 1;
}

const length = (value: string): bigint => BigInt(value.length);

interface ConstraintType {
  /** ASP.NET Core's class name, which its error messages quote. */
  typeName: string;
  /** Allowed argument counts, and how to build the check from the arguments. */
  arities: readonly number[];
  create(args: string[]): RouteConstraint;
}

function integerArguments(args: string[]): bigint[] {
  return args.map((arg) => {
    const n = parseInteger(arg);
    if (n === undefined)
      throw new RouteTemplateError(`The input string '${arg}' was not in a correct format.`);
    return n;
  });
}

const plain = (typeName: string, check: RouteConstraint): ConstraintType => ({
  typeName,
  arities: [0],
  create: () => check,
});

const withIntegers = (
  typeName: string,
  arities: readonly number[],
  create: (args: bigint[]) => RouteConstraint,
): ConstraintType => ({ typeName, arities, create: (args) => create(integerArguments(args)) });

const CONSTRAINT_TYPES: Record<string, ConstraintType> = {
  int: plain('IntRouteConstraint', (value) => isBetween(parseInteger(value), INT32.min, INT32.max)),
  long: plain('LongRouteConstraint', (value) => isBetween(parseInteger(value), INT64.min, INT64.max)),
  bool: plain('BoolRouteConstraint', (value) => /^(true|false)$/i.test(value.trim())),
  guid: plain('GuidRouteConstraint', (value) => GUID_PATTERNS.some((pattern) => pattern.test(value.trim()))),
  alpha: plain('AlphaRouteConstraint', (value) => /^[a-z]*$/i.test(value)),
  double: plain('DoubleRouteConstraint', isNumber),
  float: plain('FloatRouteConstraint', isNumber),
  decimal: plain('DecimalRouteConstraint', isNumber),
  datetime: plain('DateTimeRouteConstraint', (value) => !Number.isNaN(Date.parse(value))),
  required: plain('RequiredRouteConstraint', (value) => value !== ''),
  file: plain('FileNameRouteConstraint', isFileName),
  nonfile: plain('NonFileNameRouteConstraint', (value) => !isFileName(value)),
  min: withIntegers('MinRouteConstraint', [1], ([min = 0n]) => (value) => {
    return isBetween(parseInteger(value), min, INT64.max);
  }),
  max: withIntegers('MaxRouteConstraint', [1], ([max = 0n]) => (value) => {
    return isBetween(parseInteger(value), INT64.min, max);
  }),
  range: withIntegers('RangeRouteConstraint', [2], ([min = 0n, max = 0n]) => (value) => {
    return isBetween(parseInteger(value), min, max);
  }),
  minlength: withIntegers(
    'MinLengthRouteConstraint',
    [1],
    ([min = 0n]) =>
      (value) =>
        length(value) >= min,
  ),
  maxlength: withIntegers(
    'MaxLengthRouteConstraint',
    [1],
    ([max = 0n]) =>
      (value) =>
        length(value) <= max,
  ),
  length: withIntegers('LengthRouteConstraint', [1, 2], ([min = 0n, max]) => (value) => {
    return max === undefined ? length(value) === min : isBetween(length(value), min, max);
  }),
  // Like ASP.NET Core's: case-insensitive and not anchored (write ^...$ to anchor).
  regex: {
    typeName: 'RegexInlineRouteConstraint',
    arities: [1],
    create: ([pattern = '']) => {
      let regex: RegExp;
      try {
        regex = new RegExp(pattern, 'i');
      } catch (error) {
        throw new RouteTemplateError(`Invalid pattern '${pattern}': ${(error as Error).message}`);
      }
      return (value) => regex.test(value);
    },
  },
};

/**
 * `spec` is one constraint as written after a `:`, e.g. `int`, `min(2)`, `regex(^\d+$)`. Returns
 * undefined when ASP.NET Core has no constraint of that name (the caller words that error, since
 * ASP.NET Core's message names the parameter and the route).
 */
export function parseRouteConstraint(spec: string): RouteConstraint | undefined {
  const open = spec.indexOf('(');
  const call = open > 0 && spec.endsWith(')');
  const name = (call ? spec.slice(0, open) : spec).toLowerCase();
  const type = Object.hasOwn(CONSTRAINT_TYPES, name) ? CONSTRAINT_TYPES[name] : undefined;
  if (!type) return undefined;
  const argumentText = call ? spec.slice(open + 1, -1) : undefined;
  const args =
    argumentText === undefined
      ? []
      : name === 'regex'
        ? [argumentText]
        : argumentText.split(',').map((a) => a.trim());
  if (!type.arities.includes(args.length)) {
    throw new RouteTemplateError(
      `Could not find a constructor for constraint type '${type.typeName}' with the following number of parameters: ${args.length}.`,
    );
  }
  return type.create(args);
}

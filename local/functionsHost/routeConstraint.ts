/**
 * Inline route constraints (`{id:int}`), with the meaning ASP.NET Core routing gives them, since that
 * is what the Functions host uses. A constraint this host does not know is reported as `undefined`
 * and the parameter then matches like a plain one, rather than refusing to load the app.
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
  return /^[+-]?\d+$/.test(value) ? BigInt(value) : undefined;
}

function integerWithin(range: { min: bigint; max: bigint }): RouteConstraint {
  return (value) => {
    const n = parseInteger(value);
    return n !== undefined && n >= range.min && n <= range.max;
  };
}

function isNumber(value: string): boolean {
  return value.trim() !== '' && Number.isFinite(Number(value));
}

const SIMPLE_CONSTRAINTS: Record<string, RouteConstraint> = {
  int: integerWithin(INT32),
  long: integerWithin(INT64),
  bool: (value) => /^(true|false)$/i.test(value),
  guid: (value) => GUID_PATTERNS.some((pattern) => pattern.test(value)),
  alpha: (value) => /^[a-z]+$/i.test(value),
  double: isNumber,
  float: isNumber,
  decimal: isNumber,
  datetime: (value) => !Number.isNaN(Date.parse(value)),
};

function integerArguments(args: string): bigint[] | undefined {
  const parts = args.split(',').map((part) => parseInteger(part.trim()));
  return parts.every((part) => part !== undefined) ? (parts as bigint[]) : undefined;
}

function argumentConstraint(name: string, args: bigint[]): RouteConstraint | undefined {
  const [a, b] = args;
  if (a === undefined) return undefined;
  const length = (value: string): bigint => BigInt(value.length);
  switch (name) {
    case 'min':
      return (value) => isBetween(parseInteger(value), a, INT64.max);
    case 'max':
      return (value) => isBetween(parseInteger(value), INT64.min, a);
    case 'range':
      return b === undefined ? undefined : (value) => isBetween(parseInteger(value), a, b);
    case 'minlength':
      return (value) => length(value) >= a;
    case 'maxlength':
      return (value) => length(value) <= a;
    case 'length':
      return b === undefined ? (value) => length(value) === a : (value) => isBetween(length(value), a, b);
    default:
      return undefined;
  }
}

function isBetween(n: bigint | undefined, low: bigint, high: bigint): boolean {
  return n !== undefined && n >= low && n <= high;
}

export function parseRouteConstraint(spec: string): RouteConstraint | undefined {
  const call = /^([a-z]+)\((.*)\)$/i.exec(spec);
  if (!call) return SIMPLE_CONSTRAINTS[spec.toLowerCase()];
  const args = integerArguments(call[2] ?? '');
  return args && argumentConstraint((call[1] ?? '').toLowerCase(), args);
}

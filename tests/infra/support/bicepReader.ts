/**
 * A small reader for the Bicep this repository writes, enough for structural tests where no Bicep
 * compiler is available. It is not a parser: it masks comments and string contents, finds the
 * top-level declarations by bracket depth, and reads object literals (multi-line or single-line)
 * key by key. Syntax it does not understand makes it throw, so a test fails rather than passing on
 * a misread file.
 */

export interface Param {
  name: string;
  type: string;
  hasDefault: boolean;
  /** Source text of the default value, when there is one. */
  defaultValue: string | undefined;
  secure: boolean;
  /** Source text of each decorator, comments removed: `@allowed([...])`, `@minLength(1)`. */
  decorators: string[];
  /** Offsets of the whole declaration, decorators included. */
  start: number;
  end: number;
}

export interface Declaration {
  keyword: 'var' | 'resource' | 'module' | 'output';
  name: string;
  /** The resource type (`Microsoft.Web/sites@2024-04-01`) or the module path. */
  target: string;
  existing: boolean;
  /** Source text of the right-hand side, comments removed. */
  value: string;
  /** Offset of the right-hand side in the file. */
  valueStart: number;
  start: number;
  end: number;
}

export interface ObjectEntry {
  key: string;
  /** Source text of the value, comments removed, trimmed. */
  value: string;
  /** Offset of the first character of the value in the file. */
  valueStart: number;
}

export interface BicepFile {
  text: string;
  /** The text with comments blanked out (same length, newlines kept). */
  source: string;
  /** `source` with the contents of string literals blanked too, except `${...}` expressions. */
  code: string;
  params: Param[];
  vars: Declaration[];
  resources: Declaration[];
  modules: Declaration[];
  outputs: Declaration[];
}

type Frame = { kind: 'code'; braces: number } | { kind: 'string' };

const blank = (ch: string) => (ch === '\n' || ch === '\r' ? ch : ' ');

/** Blanks comments (`source`) and, in `code`, string contents as well; offsets are preserved. */
export function mask(text: string): { source: string; code: string } {
  const source: string[] = [];
  const code: string[] = [];
  const stack: Frame[] = [{ kind: 'code', braces: 0 }];
  const keep = (ch: string) => {
    source.push(ch);
    code.push(ch);
  };
  const hide = (ch: string) => {
    source.push(ch);
    code.push(blank(ch));
  };
  let i = 0;
  while (i < text.length) {
    const frame = stack[stack.length - 1]!;
    const ch = text[i]!;
    if (frame.kind === 'string') {
      if (ch === '\\' && i + 1 < text.length) {
        hide(ch);
        hide(text[i + 1]!);
        i += 2;
      } else if (ch === "'") {
        keep(ch);
        stack.pop();
        i += 1;
      } else if (ch === '$' && text[i + 1] === '{') {
        hide('$');
        hide('{');
        stack.push({ kind: 'code', braces: 0 });
        i += 2;
      } else {
        hide(ch);
        i += 1;
      }
      continue;
    }
    if (ch === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') {
        source.push(blank(text[i]!));
        code.push(blank(text[i]!));
        i += 1;
      }
    } else if (ch === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      const end = close === -1 ? text.length : close + 2;
      for (; i < end; i += 1) {
        source.push(blank(text[i]!));
        code.push(blank(text[i]!));
      }
    } else if (text.startsWith("'''", i)) {
      const close = text.indexOf("'''", i + 3);
      if (close === -1) throw new Error(`unterminated ''' string at offset ${i}`);
      for (const quote of "'''") keep(quote);
      for (i += 3; i < close; i += 1) hide(text[i]!);
      for (const quote of "'''") keep(quote);
      i = close + 3;
    } else if (ch === "'") {
      keep(ch);
      stack.push({ kind: 'string' });
      i += 1;
    } else if (ch === '}' && frame.braces === 0 && stack.length > 1) {
      hide(ch); // closes a ${...} expression
      stack.pop();
      i += 1;
    } else {
      if (ch === '{') frame.braces += 1;
      if (ch === '}') frame.braces -= 1;
      keep(ch);
      i += 1;
    }
  }
  if (stack.length !== 1) throw new Error('unterminated string or interpolation');
  return { source: source.join(''), code: code.join('') };
}

const OPEN = '([{';
const CLOSE = ')]}';

/** Offset of the bracket that closes the one at `open`, in masked code. */
export function matchingClose(code: string, open: number): number {
  let depth = 0;
  for (let i = open; i < code.length; i += 1) {
    const ch = code[i]!;
    if (OPEN.includes(ch)) depth += 1;
    else if (CLOSE.includes(ch)) {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  throw new Error(`unbalanced bracket at offset ${open}`);
}

interface Statement {
  start: number;
  end: number;
  decorators: string[];
}

/** Top-level statements: each starts on a line at bracket depth 0; decorators are attached. */
function statements(code: string, source: string): Statement[] {
  const found: Array<{ start: number; end: number }> = [];
  let depth = 0;
  let inMultiLineString = false;
  let lineStart = 0;
  while (lineStart < code.length) {
    let lineEnd = code.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = code.length;
    const line = code.slice(lineStart, lineEnd);
    if (depth === 0 && !inMultiLineString && line.trim() !== '') {
      const previous = found[found.length - 1];
      if (previous) previous.end = lineStart;
      found.push({ start: lineStart + (line.length - line.trimStart().length), end: code.length });
    }
    for (const ch of line) {
      if (OPEN.includes(ch)) depth += 1;
      else if (CLOSE.includes(ch)) depth -= 1;
    }
    if (depth < 0) throw new Error(`unbalanced closing bracket on the line at offset ${lineStart}`);
    // ''' strings are the only ones that span lines; their delimiters survive masking.
    if ((line.split("'''").length - 1) % 2 === 1) inMultiLineString = !inMultiLineString;
    lineStart = lineEnd + 1;
  }
  if (depth !== 0) throw new Error('unbalanced brackets at end of file');

  const result: Statement[] = [];
  let decorators: string[] = [];
  let decoratorsStart: number | undefined;
  for (const { start, end } of found) {
    if (code[start] === '@') {
      decorators.push(source.slice(start, end).trim());
      decoratorsStart ??= start;
      continue;
    }
    result.push({ start: decoratorsStart ?? start, end, decorators });
    decorators = [];
    decoratorsStart = undefined;
  }
  if (decorators.length > 0) throw new Error('decorator with no declaration after it');
  return result;
}

/** Offset of the first `=` (assignment, not `==`, `!=`, `<=`, `>=`, `=~`) at depth 0 of a statement. */
function assignmentIn(code: string, from: number, to: number): number {
  let depth = 0;
  for (let i = from; i < to; i += 1) {
    const ch = code[i]!;
    if (OPEN.includes(ch)) depth += 1;
    else if (CLOSE.includes(ch)) depth -= 1;
    else if (
      ch === '=' &&
      depth === 0 &&
      !'=!<>'.includes(code[i - 1] ?? '') &&
      !'=~'.includes(code[i + 1] ?? '')
    ) {
      return i;
    }
  }
  return -1;
}

export function parseBicep(text: string): BicepFile {
  const { source, code } = mask(text);
  const file: BicepFile = {
    text,
    source,
    code,
    params: [],
    vars: [],
    resources: [],
    modules: [],
    outputs: [],
  };
  for (const statement of statements(code, source)) {
    // Skip the decorators: the declaration is the first line that does not start with '@'.
    let headStart = statement.start;
    for (const decorator of statement.decorators) {
      headStart = source.indexOf(decorator, headStart) + decorator.length;
    }
    headStart = code.slice(headStart, statement.end).search(/\S/) + headStart;
    const head = source.slice(headStart, statement.end);
    const keyword = /^[a-zA-Z]+/.exec(head)?.[0] ?? '';
    const equals = assignmentIn(code, headStart, statement.end);
    const value = equals === -1 ? '' : source.slice(equals + 1, statement.end).trim();
    const valueStart = equals === -1 ? -1 : code.slice(equals + 1).search(/\S/) + equals + 1;

    if (keyword === 'param') {
      const match = /^param\s+([A-Za-z_]\w*)\s+([^=]+?)\s*(=|$)/m.exec(head);
      if (!match) throw new Error(`cannot read param declaration: ${head.split('\n')[0]}`);
      file.params.push({
        name: match[1]!,
        type: match[2]!.trim(),
        hasDefault: equals !== -1,
        defaultValue: equals === -1 ? undefined : value,
        secure: statement.decorators.some((d) => /^@(sys\.)?secure\(\s*\)$/.test(d)),
        decorators: statement.decorators,
        start: statement.start,
        end: statement.end,
      });
    } else if (keyword === 'var') {
      const match = /^var\s+([A-Za-z_]\w*)\s*=/.exec(head);
      if (!match) throw new Error(`cannot read var declaration: ${head.split('\n')[0]}`);
      file.vars.push({
        keyword,
        name: match[1]!,
        target: '',
        existing: false,
        value,
        valueStart,
        ...range(statement),
      });
    } else if (keyword === 'resource' || keyword === 'module') {
      const match = new RegExp(`^${keyword}\\s+([A-Za-z_]\\w*)\\s+'([^']*)'\\s*(existing)?\\s*=`).exec(head);
      if (!match) throw new Error(`cannot read ${keyword} declaration: ${head.split('\n')[0]}`);
      const declaration: Declaration = {
        keyword,
        name: match[1]!,
        target: match[2]!,
        existing: match[3] === 'existing',
        value,
        valueStart,
        ...range(statement),
      };
      (keyword === 'resource' ? file.resources : file.modules).push(declaration);
    } else if (keyword === 'output') {
      const match = /^output\s+([A-Za-z_]\w*)\s+/.exec(head);
      if (!match) throw new Error(`cannot read output declaration: ${head.split('\n')[0]}`);
      file.outputs.push({
        keyword,
        name: match[1]!,
        target: '',
        existing: false,
        value,
        valueStart,
        ...range(statement),
      });
    } else if (!['targetScope', 'metadata', 'type', 'func', 'import'].includes(keyword)) {
      throw new Error(`unknown top-level statement: ${head.split('\n')[0]}`);
    }
  }
  return file;
}

function range(statement: Statement) {
  return { start: statement.start, end: statement.end };
}

/**
 * The body object of a resource or module declaration: the first `{` of its right-hand side,
 * after any `if (...)` condition or `[for ...:` loop header.
 */
export function bodyOf(file: BicepFile, declaration: Declaration): ObjectEntry[] {
  let depth = 0;
  for (let i = declaration.valueStart; i < declaration.end; i += 1) {
    const ch = file.code[i]!;
    if (ch === '(') depth += 1;
    else if (ch === ')') depth -= 1;
    else if (ch === '{' && depth === 0) return readObject(file, i);
  }
  throw new Error(`${declaration.keyword} ${declaration.name} has no body object`);
}

/** The entries of the object literal whose `{` is at `open`. */
export function readObject(file: BicepFile, open: number): ObjectEntry[] {
  const { code, source } = file;
  if (code[open] !== '{') throw new Error(`no object literal at offset ${open}`);
  const close = matchingClose(code, open);
  const entries: ObjectEntry[] = [];
  let i = open + 1;
  for (;;) {
    while (i < close && /[\s,]/.test(code[i]!)) i += 1;
    if (i >= close) return entries;
    let key: string;
    if (code[i] === "'") {
      const end = code.indexOf("'", i + 1);
      key = source.slice(i + 1, end);
      i = end + 1;
    } else {
      const match = /^[A-Za-z_$][\w$]*/.exec(code.slice(i, close));
      if (!match) throw new Error(`cannot read object key at offset ${i}: ${code.slice(i, i + 30)}`);
      key = match[0];
      i += key.length;
    }
    while (i < close && /[ \t]/.test(code[i]!)) i += 1;
    if (code[i] !== ':') throw new Error(`expected ':' after key '${key}' at offset ${i}`);
    i += 1;
    while (i < close && /[ \t]/.test(code[i]!)) i += 1;
    const valueStart = i;
    let depth = 0;
    for (; i < close; i += 1) {
      const ch = code[i]!;
      if (OPEN.includes(ch)) depth += 1;
      else if (CLOSE.includes(ch)) depth -= 1;
      else if (depth === 0 && (ch === '\n' || ch === ',')) break;
    }
    entries.push({ key, value: source.slice(valueStart, i).trim(), valueStart });
  }
}

/** The entry `key` of an object, or undefined. */
export function entry(entries: ObjectEntry[], key: string): ObjectEntry | undefined {
  return entries.find((candidate) => candidate.key === key);
}

/** Follows a dotted path of keys through nested object literals; the value text, or undefined. */
export function valueAt(file: BicepFile, entries: ObjectEntry[], path: string): string | undefined {
  const [first, ...rest] = path.split('.');
  const found = entry(entries, first!);
  if (!found) return undefined;
  if (rest.length === 0) return found.value;
  if (!found.value.startsWith('{')) return undefined;
  return valueAt(file, readObject(file, found.valueStart), rest.join('.'));
}

/** Top-level arguments of a call `name(...)` whose `(` is at `open`, as [start, end) offsets. */
function callArguments(code: string, open: number): Array<[number, number]> {
  const close = matchingClose(code, open);
  const args: Array<[number, number]> = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open + 1; i < close; i += 1) {
    const ch = code[i]!;
    if (OPEN.includes(ch)) depth += 1;
    else if (CLOSE.includes(ch)) depth -= 1;
    else if (ch === ',' && depth === 0) {
      args.push([start, i]);
      start = i + 1;
    }
  }
  if (code.slice(start, close).trim() !== '') args.push([start, close]);
  return args;
}

/**
 * Keys of names whose keys the template cannot show (an object param, or a var computed from one),
 * supplied from elsewhere, e.g. the parameters file; undefined for a name it does not know.
 */
export type KeysOf = (name: string) => readonly string[] | undefined;

/**
 * Keys of an object expression: an object literal, a `var` holding one, `union(...)` of those, or a
 * name whose keys `keysOf` supplies. Anything else (a ternary, a function result) throws, since its
 * keys cannot be known statically.
 */
export function objectKeys(file: BicepFile, start: number, end: number, keysOf?: KeysOf): string[] {
  const offset = file.code.slice(start, end).search(/\S/) + start;
  const expression = file.code.slice(offset, end).trim();
  if (expression.startsWith('{')) return readObject(file, offset).map((e) => e.key);
  const union = /^union\s*\(/.exec(expression);
  if (union) {
    const open = offset + union[0].length - 1;
    return callArguments(file.code, open).flatMap(([from, to]) => objectKeys(file, from, to, keysOf));
  }
  if (/^[A-Za-z_]\w*$/.test(expression)) {
    const supplied = keysOf?.(expression);
    if (supplied) return [...supplied];
    const variable = file.vars.find((v) => v.name === expression);
    if (variable) return objectKeys(file, variable.valueStart, variable.end, keysOf);
  }
  throw new Error(`cannot list the keys of: ${expression.slice(0, 60)}`);
}

/** The names a `union(...)` expression merges, in order: identifiers only (literals are skipped). */
export function unionOperands(file: BicepFile, start: number, end: number): string[] {
  const offset = file.code.slice(start, end).search(/\S/) + start;
  const union = /^union\s*\(/.exec(file.code.slice(offset, end));
  if (!union) return [];
  return callArguments(file.code, offset + union[0].length - 1)
    .map(([from, to]) => file.code.slice(from, to).trim())
    .filter((operand) => /^[A-Za-z_]\w*$/.test(operand));
}

/** Resources of a type (`Microsoft.Web/sites`, any API version) declared, not `existing`, in a file. */
export function resourcesOfType(file: BicepFile, type: string): Declaration[] {
  return file.resources.filter((r) => !r.existing && r.target.split('@')[0] === type);
}

/** The `properties` entry of the file's one `Microsoft.Web/sites/config` resource named 'appsettings'. */
export function appSettingsProperties(file: BicepFile): ObjectEntry {
  const configs = resourcesOfType(file, 'Microsoft.Web/sites/config').filter(
    (r) => entry(bodyOf(file, r), 'name')?.value === "'appsettings'",
  );
  if (configs.length !== 1) throw new Error(`expected one appsettings resource, found ${configs.length}`);
  const properties = entry(bodyOf(file, configs[0]!), 'properties');
  if (!properties) throw new Error('the appsettings resource has no properties');
  return properties;
}

/** Names of the app settings a file sets, from its appsettings resource. */
export function appSettingNames(file: BicepFile, keysOf?: KeysOf): string[] {
  const properties = appSettingsProperties(file);
  return objectKeys(file, properties.valueStart, properties.valueStart + properties.value.length, keysOf);
}

/**
 * Offsets where `name` is used as an identifier: not inside a string, not an object key, not a
 * property after '.', and outside the range [skipStart, skipEnd) (its own declaration).
 */
export function identifierUses(file: BicepFile, name: string, skipStart = -1, skipEnd = -1): number[] {
  const uses: number[] = [];
  const pattern = new RegExp(`(?<![\\w$.])${name}(?![\\w$])`, 'g');
  for (const match of file.code.matchAll(pattern)) {
    const at = match.index;
    if (at >= skipStart && at < skipEnd) continue;
    // An object key: `name:` that starts a line or follows '{' or ','.
    const before = file.code.slice(0, at).replace(/[ \t]+$/, '');
    const after = file.code.slice(at + name.length).replace(/^[ \t]+/, '');
    if (after.startsWith(':') && (before === '' || /[{,\n]$/.test(before))) continue;
    uses.push(at);
  }
  return uses;
}

/** The values of a param's `@allowed([...])` decorator (string literals only), or undefined without one. */
export function allowedValues(param: Param): string[] | undefined {
  const decorator = param.decorators.find((d) => /^@(sys\.)?allowed\(/.test(d));
  if (decorator === undefined) return undefined;
  return [...decorator.matchAll(/'((?:[^'\\]|\\.)*)'/g)].map((match) => match[1]!.replace(/\\(.)/g, '$1'));
}

/** The number in a param's `@name(n)` decorator (`minLength`, `maxLength`, `minValue`...), or undefined. */
export function decoratorNumber(param: Param, name: string): number | undefined {
  const pattern = new RegExp(`^@(?:sys\\.)?${name}\\(\\s*(-?\\d+)\\s*\\)$`);
  for (const decorator of param.decorators) {
    const match = pattern.exec(decorator);
    if (match) return Number(match[1]);
  }
  return undefined;
}

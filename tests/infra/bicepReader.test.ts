import { describe, it, expect } from 'vitest';
import {
  allowedValues,
  appSettingNames,
  bodyOf,
  decoratorNumber,
  identifierUses,
  mask,
  objectKeys,
  parseBicep,
  readObject,
  unionOperands,
  valueAt,
} from './support/bicepReader';

// The reader is what every infra check stands on: these pin down the syntax it must get right.
describe('bicep reader', () => {
  it('blanks comments and string contents but keeps offsets and ${} expressions', () => {
    const text = "var a = 'x{y}// not a comment ${b}' // a } comment\n/* { */ var c = 1";
    const { source, code } = mask(text);
    expect(source).toHaveLength(text.length);
    expect(code).toHaveLength(text.length);
    expect(source).toContain("'x{y}// not a comment ${b}'");
    expect(source).not.toContain('a } comment');
    expect(code).not.toContain('{y}');
    expect(code).toMatch(/\bb\b/);
    expect(code).not.toContain('/*');
  });

  it('handles escaped quotes and multi-line strings', () => {
    const file = parseBicep(
      [
        "@description('the app\\'s { name')",
        'param name string',
        "var doc = '''",
        "a { b ' c",
        "'''",
        "output n string = '${name}-x'",
      ].join('\n'),
    );
    expect(file.params.map((p) => p.name)).toEqual(['name']);
    expect(file.vars.map((v) => v.name)).toEqual(['doc']);
    expect(file.outputs.map((o) => o.name)).toEqual(['n']);
    expect(identifierUses(file, 'name', file.params[0]!.start, file.params[0]!.end)).toHaveLength(1);
  });

  it('reads params with multi-line decorators, defaults and @secure()', () => {
    const file = parseBicep(
      [
        '@allowed([',
        "  'a'",
        "  'b' // the other",
        '])',
        "@description('Mode.')",
        "param mode string = 'a'",
        '',
        '@secure()',
        'param key string',
        'param tags object = {',
        "  env: 'x'",
        '}',
        "param kind 'x' | 'y'",
      ].join('\n'),
    );
    expect(file.params.map((p) => [p.name, p.hasDefault, p.secure])).toEqual([
      ['mode', true, false],
      ['key', false, true],
      ['tags', true, false],
      ['kind', false, false],
    ]);
    expect(file.params[0]!.defaultValue).toBe("'a'");
  });

  it('reads resources, modules (with conditions and loops) and nested objects', () => {
    const file = parseBicep(
      [
        "resource sa 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {",
        '  name: n',
        '}',
        "module m './m.bicep' = if (ok) {",
        "  name: 'm'",
        '  params: {',
        '    a: 1',
        '    b: { c: 2, d: [',
        '      3',
        '    ] }',
        "    'e-f': union(x, {",
        '      g: 4',
        '    })',
        '  }',
        '}',
        "resource c 'Microsoft.Web/sites/config@2024-04-01' = [for i in range(0, 2): {",
        "  name: 'appsettings'",
        '}]',
      ].join('\n'),
    );
    expect(file.resources.map((r) => [r.name, r.existing])).toEqual([
      ['sa', true],
      ['c', false],
    ]);
    const module = file.modules[0]!;
    expect(module.target).toBe('./m.bicep');
    const body = bodyOf(file, module);
    expect(body.map((e) => e.key)).toEqual(['name', 'params']);
    const params = readObject(file, body[1]!.valueStart);
    expect(params.map((e) => e.key)).toEqual(['a', 'b', 'e-f']);
    expect(valueAt(file, body, 'params.b.c')).toBe('2');
    expect(bodyOf(file, file.resources[1]!).map((e) => e.key)).toEqual(['name']);
  });

  it('does not count object keys, property accesses or strings as uses of a param', () => {
    const file = parseBicep(
      [
        'param location string',
        "resource a 'T@1' = {",
        '  location: rg.location',
        "  name: 'location'",
        '}',
      ].join('\n'),
    );
    const param = file.params[0]!;
    expect(identifierUses(file, 'location', param.start, param.end)).toEqual([]);
  });

  it('lists the keys of object literals, vars holding them and union() of those', () => {
    const file = parseBicep(
      [
        'var base = {',
        '  A: 1',
        '}',
        "resource s 'Microsoft.Web/sites/config@2024-04-01' = {",
        "  name: 'appsettings'",
        '  properties: union(base, {',
        "    B: '}'",
        '    C: 3',
        '  })',
        '}',
      ].join('\n'),
    );
    expect(appSettingNames(file)).toEqual(['A', 'B', 'C']);
    const value = file.vars[0]!;
    expect(objectKeys(file, value.valueStart, value.end)).toEqual(['A']);
  });

  it('takes the keys of a name it cannot read from a supplier, and lists the names a union merges', () => {
    const file = parseBicep(
      [
        'param extra object = {}',
        'var present = toObject(filter(items(extra), e => !empty(e.value)), e => e.key, e => e.value)',
        "resource s 'Microsoft.Web/sites/config@2024-04-01' = {",
        "  name: 'appsettings'",
        '  properties: union(present, {',
        "    B: 'b'",
        '  })',
        '}',
      ].join('\n'),
    );
    expect(() => appSettingNames(file)).toThrow(/cannot list the keys of: toObject/);
    expect(appSettingNames(file, (name) => (name === 'present' ? ['X', 'Y'] : undefined))).toEqual([
      'X',
      'Y',
      'B',
    ]);
    const properties = bodyOf(file, file.resources[0]!)[1]!;
    expect(
      unionOperands(file, properties.valueStart, properties.valueStart + properties.value.length),
    ).toEqual(['present']);
  });

  it('reads @allowed values and numeric decorators of a param', () => {
    const file = parseBicep(
      [
        '@minLength(1)',
        '@maxLength(30)',
        '@allowed([',
        "  'United States' // a comment",
        "  'it\\'s'",
        '])',
        "param where string = 'United States'",
        'param free string',
      ].join('\n'),
    );
    const [where, free] = file.params;
    expect(allowedValues(where!)).toEqual(['United States', "it's"]);
    expect([decoratorNumber(where!, 'minLength'), decoratorNumber(where!, 'maxLength')]).toEqual([1, 30]);
    expect(allowedValues(free!)).toBeUndefined();
    expect(decoratorNumber(free!, 'minLength')).toBeUndefined();
  });

  it('throws on syntax it does not understand rather than misreading it', () => {
    expect(() => parseBicep('resource x = {')).toThrow();
    expect(() => parseBicep('var a = {\n  b: 1\n')).toThrow(/unbalanced/);
    const file = parseBicep(
      "resource s 'Microsoft.Web/sites/config@1' = {\n  name: 'appsettings'\n  properties: f(x)\n}",
    );
    expect(() => appSettingNames(file)).toThrow(/cannot list the keys/);
  });
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it, expect } from 'vitest';
import { appSettingsSchema } from '../../shared/config/appSettingsSchema';
import {
  allowedValues,
  bodyOf,
  decoratorNumber,
  parseBicep,
  valueAt,
  type BicepFile,
} from './support/bicepReader';
import { infraDir } from './support/infraChecks';

const mainText = readFileSync(path.join(infraDir, 'main.bicep'), 'utf8');
const main = parseBicep(mainText);

function param(file: BicepFile, name: string) {
  const found = file.params.find((p) => p.name === name);
  if (!found) throw new Error(`no param ${name}`);
  return found;
}

function variable(file: BicepFile, name: string): string {
  const found = file.vars.find((v) => v.name === name);
  if (!found) throw new Error(`no var ${name}`);
  return found.value;
}

const sortedUnique = (values: readonly string[]) => [...new Set(values)].sort((a, b) => a.localeCompare(b));

describe('main.bicep checks its inputs before anything is deployed', () => {
  it('offers only Flex Consumption regions, at the azd prompt too, from a dated source', () => {
    const location = param(main, 'location');
    const regions = allowedValues(location) ?? [];
    expect(regions.length).toBeGreaterThan(10);
    expect(regions).toEqual(sortedUnique(regions));
    for (const region of regions) expect(region).toMatch(/^[a-z]+[a-z0-9]*$/);
    expect(regions).toEqual(expect.arrayContaining(['eastus', 'westeurope', 'swedencentral']));
    expect(regions).not.toContain('eastus2euap');
    // azd restricts its region prompt to the allowed values of a param of type location.
    expect(location.decorators).toEqual(expect.arrayContaining([expect.stringMatching(/type: 'location'/)]));
    // The list is kept in one place, with where and when it came from.
    expect(mainText.match(/'swedencentral'/g)).toHaveLength(1);
    const comment = mainText.slice(0, location.start + mainText.slice(location.start).indexOf('@allowed'));
    expect(comment).toMatch(/View currently supported regions/);
    expect(comment).toMatch(/Source, \d{4}-\d{2}-\d{2}/);
  });

  it('allows only the data locations ACS offers, its default among them', () => {
    const dataLocation = param(main, 'acsDataLocation');
    const locations = allowedValues(dataLocation) ?? [];
    expect(locations).toEqual(sortedUnique(locations));
    expect(locations).toEqual(
      expect.arrayContaining(['United States', 'Europe', 'UK', 'UAE', 'Switzerland']),
    );
    expect(locations).toHaveLength(16);
    expect(dataLocation.defaultValue).toBe("'United States'");
    const communication = bodyOf(
      main,
      main.modules.find((m) => m.name === 'communication')!,
    );
    expect(valueAt(main, communication, 'params.dataLocation')).toBe('acsDataLocation');
  });

  describe('TABLE_NAME_PREFIX, with the rule of the app and no regular expressions', () => {
    const prefixRule = appSettingsSchema.shape.TABLE_NAME_PREFIX;
    const samples = [
      'acs',
      'A',
      'a1',
      'Zz9',
      'prod2026eu',
      'a'.repeat(30),
      '',
      '1acs',
      'a-b',
      'a_b',
      'a b',
      'ac.s',
      'acs!',
      'äcs',
      'a'.repeat(31),
    ];

    /** The rule main.bicep states, read from its text: the alphabets it checks with, and the length decorators. */
    function bicepRule(text: string): (prefix: string) => boolean {
      const file = parseBicep(text);
      const letters = /^'([A-Za-z]+)'$/.exec(variable(file, 'asciiLetters'))?.[1];
      const rest = /^'\$\{asciiLetters\}([^']*)'$/.exec(variable(file, 'asciiLettersAndDigits'))?.[1];
      if (letters === undefined || rest === undefined) throw new Error('the alphabets are not literals');
      const lettersAndDigits = letters + rest;
      const prefix = param(file, 'tableNamePrefix');
      const min = decoratorNumber(prefix, 'minLength') ?? 0;
      const max = decoratorNumber(prefix, 'maxLength') ?? Infinity;
      return (value) =>
        value.length >= min &&
        value.length <= max &&
        letters.includes(value.charAt(0)) &&
        [...value].every((character) => lettersAndDigits.includes(character));
    }

    it('checks the first character and then every character, one at a time', () => {
      expect(variable(main, 'tableNamePrefixCharacters')).toBe(
        'map(range(0, length(tableNamePrefix)), i => substring(tableNamePrefix, i, 1))',
      );
      expect(variable(main, 'tableNamePrefixIsValid')).toBe(
        'contains(asciiLetters, first(tableNamePrefix)) && empty(filter(tableNamePrefixCharacters, c => !contains(asciiLettersAndDigits, c)))',
      );
    });

    it('agrees with the app on valid and invalid prefixes', () => {
      const rule = bicepRule(mainText);
      const verdicts = samples.map((sample) => [sample, rule(sample)] as const);
      expect(verdicts.filter(([, valid]) => valid).length).toBeGreaterThan(0);
      expect(verdicts.filter(([, valid]) => !valid).length).toBeGreaterThan(0);
      for (const [sample, valid] of verdicts) {
        expect(valid, JSON.stringify(sample)).toBe(prefixRule.safeParse(sample).success);
      }
    });

    it('would catch a rule that let a hyphen through', () => {
      const loose = bicepRule(mainText.replace("}0123456789'", "}0123456789-'"));
      expect(samples.filter((sample) => loose(sample) !== prefixRule.safeParse(sample).success)).toEqual([
        'a-b',
      ]);
    });

    it('fails the deployment on a bad prefix, and gives the app only a checked one', () => {
      const api = bodyOf(
        main,
        main.modules.find((m) => m.target === './app/api.bicep')!,
      );
      expect(valueAt(main, api, 'params.tableNamePrefix')).toMatch(
        /^tableNamePrefixIsValid \? tableNamePrefix : fail\('TABLE_NAME_PREFIX must be [^']+'\)$/,
      );
    });
  });
});

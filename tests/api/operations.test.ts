import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { apiOperations, operationList } from '../../shared/api/apiOperations';

const operations = apiOperations({ maxInvitees: 100 });
const list = operationList(operations);

describe('operation declarations (shared/api)', () => {
  it('are keyed by their names, and the names are function names Azure accepts, once each', () => {
    for (const [key, operation] of Object.entries(operations)) expect(operation.name).toBe(key);
    for (const { name } of list) expect(name).toMatch(/^[a-z][a-z0-9_-]{0,127}$/i);
    const lower = list.map(({ name }) => name.toLowerCase());
    expect(new Set(lower).size).toBe(lower.length);
  });

  it('declare a schema for exactly the parameters their route names', () => {
    for (const operation of list) {
      const inRoute = [...operation.route.matchAll(/\{\*?(\w+)[^}]*\}/g)].map((match) => match[1]).sort();
      const declared =
        operation.params instanceof z.ZodObject ? Object.keys(operation.params.shape).sort() : [];
      expect(declared, operation.name).toEqual(inRoute);
    }
  });

  it('never start a route where the Functions host keeps its own API, and never repeat a route and method', () => {
    for (const { route } of list) expect(route.trim().toLowerCase()).not.toMatch(/^(admin|runtime)/);
    const pairs = list.map(({ method, route }) => `${method} ${route.toLowerCase()}`);
    expect(new Set(pairs).size).toBe(pairs.length);
  });

  it('give every replayed example the parameters its route needs', () => {
    for (const operation of list) {
      const names = [...operation.route.matchAll(/\{\*?(\w+)[^}]*\}/g)].map((match) => match[1] ?? '');
      for (const example of operation.examples ?? []) {
        const params = { ...operation.exampleParams, ...example.params };
        for (const name of names) expect(params, `${operation.name} ${example.code}`).toHaveProperty(name);
      }
    }
  });
});

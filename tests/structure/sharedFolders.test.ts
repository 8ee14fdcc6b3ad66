import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const sharedRoot = path.resolve(__dirname, '..', '..', 'shared');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return full.endsWith('.ts') ? [full] : [];
  });
}

/** folder -> folders of shared/ it imports from (static and type imports alike). */
function folderImports(): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  for (const file of sourceFiles(sharedRoot)) {
    const folder = path.relative(sharedRoot, path.dirname(file)).split(path.sep)[0] ?? '';
    const targets = edges.get(folder) ?? new Set<string>();
    edges.set(folder, targets);
    for (const match of readFileSync(file, 'utf8').matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
      const target = path.relative(sharedRoot, path.resolve(path.dirname(file), match[1] ?? ''));
      const targetFolder = target.split(path.sep)[0] ?? '';
      if (!target.startsWith('..') && targetFolder !== folder) targets.add(targetFolder);
    }
  }
  return edges;
}

describe('shared/ folders', () => {
  it('depend one way only: no folder imports a folder that imports it back, directly or not', () => {
    const edges = folderImports();
    const cycles: string[] = [];
    const reaches = (from: string, to: string, seen = new Set<string>()): boolean => {
      if (from === to) return true;
      if (seen.has(from)) return false;
      seen.add(from);
      return [...(edges.get(from) ?? [])].some((next) => reaches(next, to, seen));
    };
    for (const [folder, targets] of edges) {
      for (const target of targets) if (reaches(target, folder)) cycles.push(`${folder} -> ${target}`);
    }
    expect(edges.size).toBeGreaterThan(10);
    expect(cycles).toEqual([]);
  });

  it('keep config/ as the floor: it imports only leaf folders that import nothing of shared/', () => {
    const edges = folderImports();
    for (const target of edges.get('config') ?? []) expect(edges.get(target) ?? new Set()).toEqual(new Set());
  });
});

import { readFileSync } from 'node:fs';

/** The parts of a V8 `.cpuprofile` (what `node --cpu-prof` writes) that a summary needs. */
interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
  }>;
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  selfMs: number;
  /** Share of the busy (non-idle) time in the window. */
  percent: number;
}

export interface CpuProfileSummary {
  windowMs: number;
  busyMs: number;
  topFunctions: SelfTime[];
  byPackage: SelfTime[];
}

/** Microseconds, measured back from the end of the profile: the part of the run that was under load. */
export interface ProfileWindow {
  fromEndUs: number;
  toEndUs: number;
}

/** Self time per function and per package (node_modules package, app folder, or Node internals). */
export function summarizeCpuProfile(file: string, window?: ProfileWindow, top = 15): CpuProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  const from = window ? profile.endTime - window.fromEndUs : profile.startTime;
  const to = window ? profile.endTime - window.toEndUs : profile.endTime;
  let at = profile.startTime;
  let busyUs = 0;
  profile.samples.forEach((nodeId, index) => {
    at += profile.timeDeltas[index] ?? 0;
    // A sample stands for the time until the next one.
    const us = profile.timeDeltas[index + 1] ?? 0;
    const frame = nodes.get(nodeId);
    if (!frame || at < from || at > to || frame.functionName === '(idle)') return;
    busyUs += us;
    const where = frame.url ? `${shortPath(frame.url)}:${frame.lineNumber + 1}` : '';
    const name = `${frame.functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    const pkg = packageOf(frame.url, frame.functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  });
  const rank = (totals: Map<string, number>, count: number): SelfTime[] =>
    [...totals.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([name, us]) => ({ name, selfMs: us / 1000, percent: (100 * us) / Math.max(1, busyUs) }));
  return {
    windowMs: (to - from) / 1000,
    busyMs: busyUs / 1000,
    topFunctions: rank(byFunction, top),
    byPackage: rank(byPackage, top),
  };
}

function shortPath(url: string): string {
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) return url.slice(modules + 'node_modules/'.length);
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + 1);
  return url.replace(/^file:\/\//, '');
}

function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url.slice(url.lastIndexOf('node_modules/')));
  if (url.includes('node_modules/') && modules?.[1]) return modules[1];
  const app = /\/dist\/([^/]+\/[^/]+)\//.exec(url) ?? /\/dist\/([^/]+)\//.exec(url);
  if (app?.[1]) return `app: ${app[1]}`;
  const internal = /^node:(?:internal\/)?([^/]+)/.exec(url);
  if (internal?.[1]) return `node: ${internal[1].replace(/\.js$/, '')}`;
  return url;
}

import { readFileSync } from 'node:fs';

/** The parts of a V8 `.cpuprofile` (what `node --cpu-prof` writes) that a summary needs. */
interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: CallFrame;
    children?: number[];
  }>;
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
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
  /**
   * Self time of Node internals and native code charged to the nearest library or app code up the
   * stack (a socket write made by the Azure SDK counts for the SDK), then grouped by what it is for.
   */
  byPurpose: SelfTime[];
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
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  const byPurpose = new Map<string, number>();
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
    const owner = owningPackage(nodeId, nodes, parents);
    const purpose = owner ? purposeOf(owner) : nodePurpose(nodeId, nodes, parents, pkg);
    byPurpose.set(purpose, (byPurpose.get(purpose) ?? 0) + us);
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
    byPurpose: rank(byPurpose, top),
  };
}

/** The nearest frame, from the sampled one up, that is library or app code rather than Node or native. */
function owningPackage(
  nodeId: number,
  nodes: Map<number, CallFrame>,
  parents: Map<number, number>,
): string | undefined {
  for (let id: number | undefined = nodeId; id !== undefined; id = parents.get(id)) {
    const frame = nodes.get(id);
    if (frame && (frame.url.includes('node_modules/') || frame.url.includes('/dist/'))) {
      return packageOf(frame.url, frame.functionName);
    }
  }
  return undefined;
}

const azureSdk =
  /^(@azure\/(core-|data-tables|communication-|logger|abort-controller)|@azure-rest\/|@typespec\/ts-http-runtime|tslib|fast-xml-parser)/;

/** Node's own work with no library above it: which side of the HTTP traffic it serves, when the stack says. */
function nodePurpose(
  nodeId: number,
  nodes: Map<number, CallFrame>,
  parents: Map<number, number>,
  leaf: string,
): string {
  for (let id: number | undefined = nodeId; id !== undefined; id = parents.get(id)) {
    const url = nodes.get(id)?.url ?? '';
    if (url === 'node:_http_client' || url === 'node:_http_agent')
      return 'outgoing HTTP, Node side (Table and ACS calls)';
    if (url === 'node:_http_server') return 'incoming HTTP, Node side';
  }
  if (leaf === '(native)') return 'socket writes and other native code';
  return leaf.startsWith('(') ? leaf : 'Node internals: event loop, streams, timers';
}

/** What a package's CPU is spent on, in the service's terms. */
function purposeOf(pkg: string): string {
  if (azureSdk.test(pkg)) return 'Azure SDK clients: Table and ACS calls (incl. their sockets)';
  if (pkg === 'jose') return 'bearer JWT verification (jose)';
  if (pkg === 'zod') return 'validation (zod)';
  if (pkg === '@azure/functions' || pkg.startsWith('app: local/'))
    return 'local Functions host and @azure/functions';
  if (pkg.startsWith('app: ')) return 'service code (shared/, functions/)';
  return pkg;
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

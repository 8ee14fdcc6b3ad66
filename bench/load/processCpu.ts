import { readFileSync } from 'node:fs';

/** Linux reports process times in clock ticks; USER_HZ is 100 on every mainstream kernel build. */
const ticksPerSecond = 100;

/** User + system CPU time a process has used so far, in ms (from /proc/<pid>/stat). */
export function processCpuMs(pid: number): number {
  if (pid === process.pid) {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1000;
  }
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / ticksPerSecond;
}

/** CPU time the whole machine has been busy (all CPUs, any process), in ms, from /proc/stat. */
export function machineBusyMs(): number {
  const fields = (/^cpu\s+(.+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1] ?? '')
    .split(/\s+/)
    .map(Number);
  // user nice system idle iowait irq softirq steal: everything but idle and iowait.
  const busy = [0, 1, 2, 5, 6, 7].reduce((sum, index) => sum + (fields[index] ?? 0), 0);
  return (busy * 1000) / ticksPerSecond;
}

export interface CpuAccount {
  /** Per named process. */
  cpuMs: Record<string, number>;
  /** Busy CPU of every other process on the machine meanwhile: load the figures did not ask for. */
  otherMs: number;
}

/** CPU ms each named process spends while `work` runs, and what the rest of the machine spent. */
export async function measureCpu<T>(
  pids: Record<string, number>,
  work: () => Promise<T>,
): Promise<{ result: T } & CpuAccount> {
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, processCpuMs(pid)]));
  const machineBefore = machineBusyMs();
  const result = await work();
  const machine = machineBusyMs() - machineBefore;
  const cpuMs = Object.fromEntries(
    Object.entries(pids).map(([name, pid]) => [name, processCpuMs(pid) - (before[name] ?? 0)]),
  );
  const ours = Object.values(cpuMs).reduce((sum, ms) => sum + ms, 0);
  return { result, cpuMs, otherMs: Math.max(0, machine - ours) };
}

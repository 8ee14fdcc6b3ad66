import { readFileSync } from 'node:fs';

export interface ProcessMemory {
  /** Peak resident set size since the process started (VmHWM). */
  peakRssMb: number;
  rssMb: number;
}

/** Linux only: from /proc/<pid>/status. */
export function readProcessMemory(pid: number): ProcessMemory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { peakRssMb: kib('VmHWM') / 1024, rssMb: kib('VmRSS') / 1024 };
}

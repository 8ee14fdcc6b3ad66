import type { AcsEmulatorProcess } from './acsEmulatorProcess';
import type { ChildProcessGroup } from './childProcessGroup';
import type { HostIdentity, HostProcess } from './hostProcess';

/** The processes one bench run drives: Azurite, the emulator, and the current Functions host. */
export interface BenchStack {
  group: ChildProcessGroup;
  azuritePid: number;
  emulator: AcsEmulatorProcess;
  identity: HostIdentity;
  /** Replaced when the host is restarted (profiling). */
  host: HostProcess;
}

/** The processes the bench runs: their CPU is the work measured, anything else's is noise. */
export function benchPids(stack: BenchStack, host: HostProcess = stack.host): Record<string, number> {
  return {
    host: host.child.pid,
    azurite: stack.azuritePid,
    emulator: stack.emulator.child.pid,
    'load generator': process.pid,
  };
}

/** The host prints localhost; the load generator should not resolve a name per connection. */
export function loopback(url: string): string {
  return url.replace('//localhost:', '//127.0.0.1:');
}

import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface SpawnedChild {
  name: string;
  process: ChildProcess;
  pid: number;
  /** The last few KiB the child printed, for an error message when it fails. */
  recentOutput(): string;
  /** SIGINT (a clean shutdown: a CPU profile gets written), then SIGKILL after the grace period. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
  name: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
}

const outputLimit = 16 * 1024;

/**
 * Every process the bench starts, so that all of them end with it: on success, on an error, and on
 * Ctrl-C. Children's pipes are always drained, because a child writing to a full pipe blocks.
 */
export class ChildProcessGroup {
  private readonly children = new Set<SpawnedChild>();
  private signalsHooked = false;

  spawnNode(options: SpawnOptions): SpawnedChild {
    this.hookSignals();
    const child = spawn(process.execPath, options.args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (child.pid === undefined) throw new Error(`could not start ${options.name}`);
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-outputLimit);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const spawned: SpawnedChild = {
      name: options.name,
      process: child,
      pid: child.pid,
      recentOutput: () => output,
      stop: (graceMs = 10_000) => this.stopChild(spawned, graceMs),
    };
    this.children.add(spawned);
    child.once('exit', () => this.children.delete(spawned));
    return spawned;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.children].map((child) => child.stop()));
  }

  private async stopChild(child: SpawnedChild, graceMs: number): Promise<void> {
    const proc = child.process;
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGINT');
    const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  /** Ctrl-C or a kill of the bench still takes every child down with it. */
  private hookSignals(): void {
    if (this.signalsHooked) return;
    this.signalsHooked = true;
    const onSignal = (signal: NodeJS.Signals) => {
      process.stderr.write(`\n${signal}: stopping child processes\n`);
      void this.stopAll().finally(() => process.exit(130));
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    process.once('exit', () => {
      for (const child of this.children) child.process.kill('SIGKILL');
    });
  }
}

/** Resolves with the first line of stdout that parses as a JSON object: how our servers say "ready". */
export function firstJsonLine<T>(child: SpawnedChild, timeoutMs = 30_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const stdout = child.process.stdout;
    if (!stdout) return reject(new Error(`${child.name} has no stdout`));
    const lines = createInterface({ input: stdout });
    const done = () => {
      clearTimeout(timer);
      lines.close();
      child.process.off('exit', onExit);
    };
    const onExit = (code: number | null) => {
      done();
      reject(new Error(`${child.name} exited (${code}) before it was ready:\n${child.recentOutput()}`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`${child.name} was not ready within ${timeoutMs} ms:\n${child.recentOutput()}`));
    }, timeoutMs);
    lines.on('line', (line) => {
      if (!line.startsWith('{')) return;
      done();
      resolve(JSON.parse(line) as T);
    });
    child.process.once('exit', onExit);
  });
}

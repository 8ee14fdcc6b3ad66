import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { persistedStateSchema, type PersistedState } from './persistedState';

const fileName = 'acs-emulator-state.json';

/**
 * The state document in the data folder. Writes are atomic (temp file, then rename) and coalesced:
 * at most one write runs and at most one waits, and the waiting one snapshots the state when it
 * starts, so a burst of changes costs two writes and every caller's change is on disk when its
 * promise resolves.
 */
export class StateFile {
  private readonly path: string;
  private inFlight: Promise<void> = Promise.resolve();
  private queued: Promise<void> | undefined;

  constructor(
    private readonly dataDir: string,
    private readonly snapshot: () => PersistedState,
  ) {
    this.path = join(dataDir, fileName);
  }

  /** The stored state, or undefined when the folder holds none yet. A corrupt file is an error, not a reset. */
  static async load(dataDir: string): Promise<PersistedState | undefined> {
    let text: string;
    try {
      text = await readFile(join(dataDir, fileName), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const parsed = persistedStateSchema.safeParse(JSON.parse(text));
    if (!parsed.success)
      throw new Error(`The ACS emulator state in ${dataDir} is not readable: ${parsed.error.message}`);
    return parsed.data;
  }

  save(): Promise<void> {
    if (this.queued) return this.queued;
    const next = this.inFlight.then(() => {
      this.queued = undefined;
      return this.writeNow();
    });
    this.queued = next;
    this.inFlight = next.catch(() => undefined);
    return next;
  }

  /** Resolves once every write asked for so far has finished (or failed). */
  flush(): Promise<void> {
    return this.inFlight;
  }

  private async writeNow(): Promise<void> {
    const text = JSON.stringify(this.snapshot());
    await mkdir(this.dataDir, { recursive: true });
    const temp = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      // The file holds the access key and the signing key: owner-only.
      await writeFile(temp, text, { mode: 0o600 });
      await rename(temp, this.path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }
}

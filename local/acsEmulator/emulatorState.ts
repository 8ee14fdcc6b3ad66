import { randomAccessKey } from './accessKey';
import { AcsTokenSigner, type SigningKeyMaterial } from './acsTokenSigner';
import { CallbackTokenSigner } from './callAutomation/callbackTokenSigner';
import { IdentityStore } from './identityStore';
import type { PersistedState } from './persistedState';
import { RoomStore } from './roomStore';
import { StateFile } from './stateFile';
import { TokenSequence } from './tokenSequence';

export const defaultResourceId = '3f2a9c1e-7b4d-4e8a-9c61-5d0b8e2f4a17';

export interface EmulatorStateOptions {
  dataDir?: string;
  accessKey?: string;
  resourceId?: string;
}

/**
 * Everything the emulated ACS resource knows, in memory, plus where it is kept when a data folder is
 * given. Changes are made synchronously in memory (so concurrent requests cannot interleave half an
 * update) and then `save()` puts them on disk.
 */
export class EmulatorState {
  readonly identities: IdentityStore;
  readonly rooms: RoomStore;
  readonly tokenSequence: TokenSequence;
  readonly signer: AcsTokenSigner;
  readonly callbackSigner: CallbackTokenSigner;
  private readonly file: StateFile | undefined;

  private constructor(
    stored: PersistedState,
    private resource: { id: string; accessKey: string; keyGeneration: number },
    private readonly signingKey: SigningKeyMaterial,
    private readonly callbackSigningKey: SigningKeyMaterial,
    dataDir: string | undefined,
  ) {
    this.identities = new IdentityStore(stored.identities);
    this.rooms = new RoomStore(stored.rooms);
    this.tokenSequence = new TokenSequence(stored.lastTokenSequence);
    this.signer = AcsTokenSigner.fromKey(signingKey);
    this.callbackSigner = CallbackTokenSigner.fromKey(callbackSigningKey);
    this.file = dataDir ? new StateFile(dataDir, () => this.toPersisted()) : undefined;
  }

  /**
   * Loads the state from the data folder, or starts a fresh one. An access key passed in that differs
   * from the stored one counts as a rotation: tokens issued under the stored key stop validating.
   */
  static async open(options: EmulatorStateOptions = {}): Promise<EmulatorState> {
    const stored = options.dataDir ? await StateFile.load(options.dataDir) : undefined;
    const base = stored ?? (await freshState(options));
    const rotated = options.accessKey !== undefined && options.accessKey !== base.accessKey;
    const state = new EmulatorState(
      base,
      {
        id: options.resourceId ?? base.resourceId,
        accessKey: options.accessKey ?? base.accessKey,
        keyGeneration: base.keyGeneration + (rotated ? 1 : 0),
      },
      base.signingKey,
      base.callbackSigningKey ?? (await AcsTokenSigner.generateKey()),
      options.dataDir,
    );
    const changed = rotated || state.resourceId !== base.resourceId || !base.callbackSigningKey;
    if (!stored || changed) await state.save();
    return state;
  }

  get resourceId(): string {
    return this.resource.id;
  }

  get accessKey(): string {
    return this.resource.accessKey;
  }

  get keyGeneration(): number {
    return this.resource.keyGeneration;
  }

  rotateAccessKey(newKey: string): void {
    this.resource = { ...this.resource, accessKey: newKey, keyGeneration: this.resource.keyGeneration + 1 };
  }

  /** Puts the current state on disk; resolves at once when the state lives in memory only. */
  save(): Promise<void> {
    return this.file ? this.file.save() : Promise.resolve();
  }

  flush(): Promise<void> {
    return this.file ? this.file.flush() : Promise.resolve();
  }

  private toPersisted(): PersistedState {
    return {
      version: 1,
      resourceId: this.resource.id,
      accessKey: this.resource.accessKey,
      keyGeneration: this.resource.keyGeneration,
      lastTokenSequence: this.tokenSequence.current(),
      signingKey: this.signingKey,
      callbackSigningKey: this.callbackSigningKey,
      identities: this.identities.records(),
      rooms: this.rooms.records(),
    };
  }
}

async function freshState(options: EmulatorStateOptions): Promise<PersistedState> {
  return {
    version: 1,
    resourceId: options.resourceId ?? defaultResourceId,
    accessKey: options.accessKey ?? randomAccessKey(),
    keyGeneration: 1,
    lastTokenSequence: 0,
    signingKey: await AcsTokenSigner.generateKey(),
    callbackSigningKey: await AcsTokenSigner.generateKey(),
    identities: [],
    rooms: [],
  };
}

import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startAcsEmulator } from '../../local/acsEmulator/startAcsEmulator';
import { identityClient, roomsClient, validateToken } from './acsTestClients';

const dataDirs: string[] = [];
async function freshDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'acs-emulator-'));
  dataDirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('state in a data folder', () => {
  it('keeps identities, revocations, rooms, the signing key and the access key across a restart', async () => {
    const dataDir = await freshDataDir();
    const first = await startAcsEmulator({ dataDir });
    const connectionString = first.connectionString();
    const identities = identityClient(connectionString);
    const { user, token } = await identities.createUserAndToken(['voip']);
    const revoked = await identities.createUserAndToken(['chat']);
    await identities.revokeTokens(revoked.user);
    const deleted = await identities.createUser();
    await identities.deleteUser(deleted);
    const room = await roomsClient(connectionString).createRoom({
      participants: [{ id: user, role: 'Presenter' }],
    });
    await first.close();

    const second = await startAcsEmulator({ dataDir });
    try {
      expect(second.connectionString().split(';')[1]).toBe(connectionString.split(';')[1]);
      expect(second.identities()).toEqual(first.identities());
      expect(await validateToken(second, token)).toMatchObject({
        valid: true,
        communicationUserId: user.communicationUserId,
      });
      expect(await validateToken(second, revoked.token)).toEqual({ valid: false, reason: 'revoked' });

      const reconnected = identityClient(second.connectionString());
      const fresh = await reconnected.getToken(revoked.user, ['chat']);
      expect(await validateToken(second, fresh.token)).toMatchObject({ valid: true });
      await expect(reconnected.getToken(deleted, ['chat'])).rejects.toMatchObject({ statusCode: 404 });

      const rooms = roomsClient(second.connectionString());
      expect(await rooms.getRoom(room.id)).toEqual(room);
      const participants = [];
      for await (const participant of rooms.listParticipants(room.id)) participants.push(participant.role);
      expect(participants).toEqual(['Presenter']);
    } finally {
      await second.close();
    }
  });

  it('keeps the callback signing key across a restart, and adds one to state written before it existed', async () => {
    const dataDir = await freshDataDir();
    const jwks = async (emulator: Awaited<ReturnType<typeof startAcsEmulator>>) =>
      (await (await fetch(emulator.callbackJwksUrl)).json()) as { keys: Array<{ kid: string; n: string }> };
    const first = await startAcsEmulator({ dataDir });
    const published = await jwks(first);
    await first.close();
    const stateFile = join(dataDir, 'acs-emulator-state.json');
    const stored = JSON.parse(await readFile(stateFile, 'utf8')) as Record<string, unknown>;
    expect(stored['callbackSigningKey']).toMatchObject({ kid: published.keys[0]?.kid });

    const second = await startAcsEmulator({ dataDir });
    try {
      expect(await jwks(second)).toEqual(published);
    } finally {
      await second.close();
    }

    const { writeFile } = await import('node:fs/promises');
    const { callbackSigningKey: _dropped, ...older } = stored;
    await writeFile(stateFile, JSON.stringify(older));
    const third = await startAcsEmulator({ dataDir });
    try {
      const fresh = await jwks(third);
      expect(fresh.keys[0]?.kid).not.toBe(published.keys[0]?.kid);
      await third.close();
      expect(JSON.parse(await readFile(stateFile, 'utf8'))).toMatchObject({
        callbackSigningKey: { kid: fresh.keys[0]?.kid },
      });
    } finally {
      await third.close();
    }
  });

  it('treats a different access key at start as a rotation', async () => {
    const dataDir = await freshDataDir();
    const first = await startAcsEmulator({ dataDir });
    const { token } = await identityClient(first.connectionString()).createUserAndToken(['chat']);
    await first.close();
    const second = await startAcsEmulator({ dataDir, accessKey: Buffer.alloc(32, 7).toString('base64') });
    try {
      expect(await validateToken(second, token)).toEqual({ valid: false, reason: 'keyRotated' });
    } finally {
      await second.close();
    }
  });

  it('writes atomically, owner-only, survives concurrent changes and does not write on reads', async () => {
    const dataDir = await freshDataDir();
    const emulator = await startAcsEmulator({ dataDir });
    try {
      const identities = identityClient(emulator.connectionString());
      const created = await Promise.all(Array.from({ length: 25 }, () => identities.createUser()));
      const stateFile = join(dataDir, 'acs-emulator-state.json');
      const stored = JSON.parse(await readFile(stateFile, 'utf8')) as { identities: Array<{ id: string }> };
      expect(stored.identities.map((identity) => identity.id)).toEqual(
        expect.arrayContaining(created.map((user) => user.communicationUserId)),
      );
      expect((await stat(stateFile)).mode & 0o777).toBe(0o600);
      expect(await readdir(dataDir)).toEqual(['acs-emulator-state.json']);

      const writtenAt = (await stat(stateFile)).mtimeMs;
      const { token } = await identities.createUserAndToken(['chat']);
      const afterIssue = (await stat(stateFile)).mtimeMs;
      await validateToken(emulator, token);
      await fetch(new URL('__emulator/identities', emulator.url));
      expect((await stat(stateFile)).mtimeMs).toBe(afterIssue);
      expect(afterIssue).toBeGreaterThanOrEqual(writtenAt);
    } finally {
      await emulator.close();
    }
  });

  it('refuses to start on a corrupt state file rather than silently starting over', async () => {
    const dataDir = await freshDataDir();
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(dataDir, 'acs-emulator-state.json'), '{"version":1}');
    await expect(startAcsEmulator({ dataDir })).rejects.toThrow(/not readable/);
  });
});

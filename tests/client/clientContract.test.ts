import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { clientContractFiles, isClientOperation } from '../../build/clientContract';
import { apiOperations, operationList } from '../../shared/api/apiOperations';

const repoRoot = path.resolve(__dirname, '..', '..');

describe('the client library’s contract', () => {
  it('is what the OpenAPI document says today (run `npm run client:generate` after changing an operation)', async () => {
    const files = await clientContractFiles(repoRoot);
    expect(Object.keys(files).length).toBeGreaterThan(0);
    for (const [file, expected] of Object.entries(files)) {
      expect(readFileSync(path.join(repoRoot, file), 'utf8'), file).toBe(expected);
    }
  });

  it('has a method for every operation a user, an admin or anyone calls, and none for ACS or Event Grid', async () => {
    const { operationTable } = (await import('acs-trusted-client')) as {
      operationTable: Record<string, { method: string; path: string; access: string }>;
    };
    const operations = operationList(apiOperations({ maxInvitees: 100 }));
    const forClients = operations.filter(isClientOperation).map((operation) => operation.name);
    expect(Object.keys(operationTable).sort()).toEqual(forClients.sort());
    const left = operations
      .filter((operation) => !isClientOperation(operation))
      .map((operation) => operation.name);
    // Callbacks are sent by ACS and Event Grid; the explorer and the web app are pages, not JSON.
    expect(left.sort()).toEqual([
      'apiExplorer',
      'receiveCallAutomationEvents',
      'receiveIncomingCalls',
      'webApp',
    ]);
  });
});

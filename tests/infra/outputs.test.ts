import { describe, it, expect } from 'vitest';
import { allowedOutputNames, checkOutputs, parseTree, readBicepTree } from './support/infraChecks';

const tree = readBicepTree();

describe('infra outputs', () => {
  it('no output exposes a key, a secret or a connection string', () => {
    expect(checkOutputs(tree)).toEqual([]);
  });

  it('allow-lists only outputs that exist, and they are names and endpoints', () => {
    const main = parseTree(tree).get('infra/main.bicep')!;
    for (const name of allowedOutputNames) {
      const output = main.outputs.find((o) => o.name === name);
      expect(output, name).toBeDefined();
      expect(output!.value, name).toMatch(/^keyVault\.outputs\.(name|uri)$/);
    }
  });

  it('outputs what azd and local debugging need', () => {
    const names = parseTree(tree)
      .get('infra/main.bicep')!
      .outputs.map((o) => o.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'AZURE_LOCATION',
        'AZURE_TENANT_ID',
        'AZURE_FUNCTION_APP_NAME',
        'SERVICE_API_NAME',
        'AZURE_TABLES_ENDPOINT',
        'AZURE_KEY_VAULT_URL',
      ]),
    );
  });

  it('the output check reports a listKeys() output, a secure param output and a suggestive name', () => {
    const copy = new Map(tree);
    copy.set(
      'infra/app/secrets.bicep',
      `${tree.get('infra/app/secrets.bicep')}
output acs string = communication.listKeys().primaryConnectionString
output cacheKeyEcho string = 'key:\${tokenCacheKey}'
`,
    );
    expect(checkOutputs(copy)).toEqual([
      'infra/app/secrets.bicep: output acs reads a key, secret or connection string',
      'infra/app/secrets.bicep: output cacheKeyEcho has a name that suggests a secret',
      'infra/app/secrets.bicep: output cacheKeyEcho outputs the @secure() param tokenCacheKey',
    ]);
  });
});

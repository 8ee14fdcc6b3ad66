import { describe, it, expect } from 'vitest';
import {
  checkModuleCalls,
  checkModulePaths,
  checkParamsUsed,
  readBicepTree,
  type BicepTree,
} from './support/infraChecks';

const tree = readBicepTree();

/** A copy of the templates with one file's text changed. */
function withChange(file: string, change: (text: string) => string): BicepTree {
  const copy = new Map(tree);
  const text = copy.get(file);
  if (text === undefined) throw new Error(`no ${file}`);
  const changed = change(text);
  expect(changed).not.toBe(text);
  copy.set(file, changed);
  return copy;
}

describe('infra modules', () => {
  it('has the entry point and the modules it is made of', () => {
    expect([...tree.keys()]).toEqual(
      expect.arrayContaining([
        'infra/main.bicep',
        'infra/app/api.bicep',
        'infra/app/rbac.bicep',
        'infra/app/secrets.bicep',
        'infra/app/incoming-calls.bicep',
      ]),
    );
  });

  it('every module path exists, and is local', () => {
    expect(checkModulePaths(tree)).toEqual([]);
  });

  it('the module path check reports a bogus path and a registry module', () => {
    const bogus = withChange('infra/main.bicep', (text) =>
      text.replace("'./app/rbac.bicep'", "'./app/no-such-module.bicep'"),
    );
    expect(checkModulePaths(bogus)).toEqual([
      expect.stringContaining("'./app/no-such-module.bicep', which does not exist"),
    ]);

    const registry = withChange('infra/main.bicep', (text) =>
      text.replace(
        "'./core/identity/user-assigned-identity.bicep'",
        "'br/public:avm/res/managed-identity/user-assigned-identity:0.4.1'",
      ),
    );
    expect(checkModulePaths(registry)).toEqual([expect.stringContaining('registry module')]);
  });

  it('every param is used in its file', () => {
    expect(checkParamsUsed(tree)).toEqual([]);
  });

  it('the param check reports an unused param', () => {
    const unused = withChange('infra/core/storage/storage-account.bicep', (text) =>
      text.replace('param skuName string', "param unusedThing string = ''\nparam skuName string"),
    );
    expect(checkParamsUsed(unused)).toEqual([
      'infra/core/storage/storage-account.bicep: param unusedThing is never used',
    ]);
  });

  it('every module call passes only declared params, and all required ones', () => {
    expect(checkModuleCalls(tree)).toEqual([]);
  });

  it('the module call check reports an unknown and a missing param', () => {
    const broken = withChange('infra/main.bicep', (text) =>
      text.replace("    name: 'kv-${resourceToken}'\n", "    vaultName: 'kv-${resourceToken}'\n"),
    );
    expect(checkModuleCalls(broken).sort()).toEqual([
      "infra/main.bicep: module keyVault does not pass 'name', which infra/core/security/key-vault.bicep requires",
      "infra/main.bicep: module keyVault passes 'vaultName', which infra/core/security/key-vault.bicep does not declare",
    ]);
  });
});

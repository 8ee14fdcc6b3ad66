import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it, expect } from 'vitest';
import {
  bodyOf,
  identifierUses,
  resourcesOfType,
  valueAt,
  type BicepFile,
  type Declaration,
} from './support/bicepReader';
import { wiredSettingEntries } from './support/appSettingRoutes';
import { parseTree, readBicepTree, repoRoot } from './support/infraChecks';

const tree = readBicepTree();
const files = parseTree(tree);

function file(name: string): BicepFile {
  const found = files.get(name);
  if (!found) throw new Error(`no ${name}`);
  return found;
}

/** Every declared (not `existing`) resource of a type in the templates, with its file. */
function declared(type: string): Array<{ file: BicepFile; resource: Declaration }> {
  return [...files.values()].flatMap((f) =>
    resourcesOfType(f, type).map((resource) => ({ file: f, resource })),
  );
}

function only(type: string) {
  const found = declared(type);
  expect(found, type).toHaveLength(1);
  const { file: f, resource } = found[0]!;
  const body = bodyOf(f, resource);
  return (at: string) => valueAt(f, body, at);
}

describe('infra security posture', () => {
  it('uses no registry modules', () => {
    for (const [name, text] of tree) expect(text, name).not.toMatch(/'(br|ts)[:/]/);
  });

  it('storage: no shared keys, TLS 1.2, no public blobs, HTTPS only', () => {
    const storage = only('Microsoft.Storage/storageAccounts');
    expect(storage('properties.allowSharedKeyAccess')).toBe('false');
    expect(storage('properties.minimumTlsVersion')).toBe("'TLS1_2'");
    expect(storage('properties.allowBlobPublicAccess')).toBe('false');
    expect(storage('properties.supportsHttpsTrafficOnly')).toBe('true');
    const containers = only('Microsoft.Storage/storageAccounts/blobServices/containers');
    expect(containers('properties.publicAccess')).toBe("'None'");
  });

  it('Key Vault: RBAC authorization and soft delete', () => {
    const vault = only('Microsoft.KeyVault/vaults');
    expect(vault('properties.enableRbacAuthorization')).toBe('true');
    expect(vault('properties.enableSoftDelete')).toBe('true');
    expect(vault('properties.accessPolicies')).toBeUndefined();
  });

  it('Application Insights: local (key) authentication off', () => {
    expect(only('Microsoft.Insights/components')('properties.DisableLocalAuth')).toBe('true');
  });

  it('Function App: Flex Consumption, Node 22, a user-assigned identity everywhere, tagged for azd', () => {
    const plan = only('Microsoft.Web/serverfarms');
    expect(plan('sku.name')).toBe("'FC1'");
    expect(plan('sku.tier')).toBe("'FlexConsumption'");

    const site = only('Microsoft.Web/sites');
    expect(site('identity.type')).toBe("'UserAssigned'");
    expect(site('identity.userAssignedIdentities')).toContain('identityId');
    expect(site('properties.httpsOnly')).toBe('true');
    expect(site('properties.functionAppConfig.runtime.name')).toBe("'node'");
    expect(site('properties.functionAppConfig.runtime.version')).toBe("'22'");
    expect(site('properties.functionAppConfig.deployment.storage.type')).toBe("'blobContainer'");
    expect(site('properties.functionAppConfig.deployment.storage.authentication.type')).toBe(
      "'UserAssignedIdentity'",
    );
    expect(
      site('properties.functionAppConfig.deployment.storage.authentication.userAssignedIdentityResourceId'),
    ).toBe('identityId');
    expect(site('tags')).toContain("'azd-service-name': 'api'");
  });

  it('Function App: no platform CORS (Flex Consumption does not support it; the app answers CORS)', () => {
    const site = only('Microsoft.Web/sites');
    expect(site('properties.siteConfig.cors')).toBeUndefined();
    expect(file('infra/app/api.bicep').code).not.toMatch(/\bcors/i);
    expect(file('infra/main.bicep').params.map((p) => p.name)).not.toContain('corsAllowedOrigins');
  });

  it('Function App: no FTP, and no basic publishing credentials for FTP or the SCM site', () => {
    const site = only('Microsoft.Web/sites');
    expect(site('properties.siteConfig.ftpsState')).toBe("'Disabled'");
    expect(site('properties.siteConfig.minTlsVersion')).toBe("'1.2'");
    const api = file('infra/app/api.bicep');
    const policies = resourcesOfType(api, 'Microsoft.Web/sites/basicPublishingCredentialsPolicies').map(
      (r) => {
        const body = bodyOf(api, r);
        return {
          parent: valueAt(api, body, 'parent'),
          name: valueAt(api, body, 'name'),
          allow: valueAt(api, body, 'properties.allow'),
          conditional: /^if\s*\(/.test(r.value),
        };
      },
    );
    expect(policies).toEqual([
      { parent: 'functionApp', name: "'ftp'", allow: 'false', conditional: false },
      { parent: 'functionApp', name: "'scm'", allow: 'false', conditional: false },
    ]);
  });

  it('Function App settings: identity-based connections only, nothing Flex Consumption refuses', () => {
    const api = file('infra/app/api.bicep');
    const settings = wiredSettingEntries(api);
    const value = (key: string) => settings.find((s) => s.key === key)?.value;
    expect(value('AZURE_CLIENT_ID')).toBe('identityClientId');
    expect(value('AzureWebJobsStorage__clientId')).toBe('identityClientId');
    expect(value('AzureWebJobsStorage__credential')).toBe("'managedidentity'");
    expect(value('APPLICATIONINSIGHTS_AUTHENTICATION_STRING')).toContain('Authorization=AAD');
    const refused = ['FUNCTIONS_WORKER_RUNTIME', 'FUNCTIONS_EXTENSION_VERSION', 'WEBSITE_RUN_FROM_PACKAGE'];
    expect(settings.map((s) => s.key).filter((key) => refused.includes(key))).toEqual([]);
    expect(api.code).not.toMatch(/\blist\w*\s*\(/);
  });

  it('the ACS connection string is read with listKeys() only inside the secrets module, into a Key Vault secret', () => {
    for (const [name, f] of files) {
      if (name !== 'infra/app/secrets.bicep') expect(f.code, name).not.toMatch(/\blist\w*\s*\(/);
    }
    const secrets = file('infra/app/secrets.bicep');
    const values = resourcesOfType(secrets, 'Microsoft.KeyVault/vaults/secrets').map((r) =>
      valueAt(secrets, bodyOf(secrets, r), 'properties.value'),
    );
    // The key in use (ACS_KEY_IN_USE) picks the connection string; acsKeyRotation.test.ts checks the wiring.
    expect(values).toEqual([
      "acsKeyInUse == 'secondary' ? communication.listKeys().secondaryConnectionString : communication.listKeys().primaryConnectionString",
      'tokenCacheKey',
    ]);
  });

  it('the token-cache key is @secure() and goes only to the secrets module', () => {
    const main = file('infra/main.bicep');
    const param = main.params.find((p) => p.name === 'tokenCacheKey')!;
    expect(param.secure).toBe(true);
    const secretsModule = main.modules.find((m) => m.name === 'secrets')!;
    const uses = identifierUses(main, 'tokenCacheKey', param.start, param.end);
    expect(uses.length).toBeGreaterThan(0);
    expect(uses.every((at) => at >= secretsModule.start && at < secretsModule.end)).toBe(true);
    expect(file('infra/app/secrets.bicep').params.find((p) => p.name === 'tokenCacheKey')?.secure).toBe(true);
  });

  it('grants the app identity the data roles it needs, and ACS Contributor only for ACS_AUTH=entra', () => {
    const rbac = file('infra/app/rbac.bicep');
    const assignments = resourcesOfType(rbac, 'Microsoft.Authorization/roleAssignments').map((r) => {
      const body = bodyOf(rbac, r);
      return {
        role: /roles\.(\w+)/.exec(valueAt(rbac, body, 'properties.roleDefinitionId') ?? '')?.[1],
        principal: valueAt(rbac, body, 'properties.principalId'),
        scope: valueAt(rbac, body, 'scope'),
        condition: /^if\s*\(([^)]*)\)/.exec(r.value)?.[1],
      };
    });
    expect(assignments).toEqual(
      expect.arrayContaining([
        {
          role: 'storageBlobDataOwner',
          principal: 'identityPrincipalId',
          scope: 'storage',
          condition: undefined,
        },
        {
          role: 'storageTableDataContributor',
          principal: 'identityPrincipalId',
          scope: 'storage',
          condition: undefined,
        },
        {
          role: 'keyVaultSecretsUser',
          principal: 'identityPrincipalId',
          scope: 'vault',
          condition: undefined,
        },
        {
          role: 'contributor',
          principal: 'identityPrincipalId',
          scope: 'communication',
          condition: 'grantAcsAccess',
        },
        {
          role: 'storageTableDataContributor',
          principal: 'userPrincipalId',
          scope: 'storage',
          condition: 'grantUser',
        },
        {
          role: 'keyVaultSecretsOfficer',
          principal: 'userPrincipalId',
          scope: 'vault',
          condition: 'grantUser',
        },
      ]),
    );
    const main = file('infra/main.bicep');
    const rbacCall = bodyOf(
      main,
      main.modules.find((m) => m.name === 'rbac')!,
    );
    expect(valueAt(main, rbacCall, 'params.grantAcsAccess')).toBe("acsAuth == 'entra'");
  });

  it('azure.yaml deploys this project as the `api` Functions service', () => {
    const yaml = readFileSync(path.join(repoRoot, 'azure.yaml'), 'utf8');
    expect(yaml).toMatch(/^name: \S+$/m);
    expect(yaml).toMatch(/^services:\n {2}api:\n(?: {4}\w+: .+\n)+/m);
    const api = /^ {2}api:\n((?: {4}.+\n)+)/m.exec(yaml)?.[1] ?? '';
    expect(api).toMatch(/^ {4}project: \.$/m);
    expect(api).toMatch(/^ {4}language: ts$/m);
    expect(api).toMatch(/^ {4}host: function$/m);
  });
});

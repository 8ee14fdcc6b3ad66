// The API: a Node.js 22 Function App on the Flex Consumption plan (FC1), running as a user-assigned
// managed identity. Its app settings are checked against shared/config/appSettingsSchema.ts by
// tests/infra: change them together.

@description('Name of the Function App, unique in Azure.')
param name string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Region of the plan and the app.')
param location string = resourceGroup().location

@description('Tags of the plan and the app (the app also gets azd-service-name).')
param tags object = {}

@description('Resource id of the user-assigned managed identity the app runs as.')
param identityId string

@description('Client id of that identity: AZURE_CLIENT_ID, so DefaultAzureCredential picks it.')
param identityClientId string

@description('Name of the storage account for the deployment package and the Functions host.')
param storageAccountName string

@description('Name of the blob container Flex Consumption deploys the app package from.')
param deploymentContainerName string

@description('Name of the Application Insights component.')
param applicationInsightsName string

@description('AUTH_ISSUER: OIDC issuer of the app users.')
param authIssuer string

@description('AUTH_AUDIENCE: audience the bearer tokens must carry.')
param authAudience string

@description('AUTH_SUBJECT_CLAIM: claim that identifies the caller.')
param authSubjectClaim string = 'oid'

@description('AUTH_ADMIN_ROLE: role that makes a caller an admin.')
param authAdminRole string = 'admin'

@allowed([
  'key'
  'entra'
])
@description('ACS_AUTH: key (connection string from Key Vault) or entra (managed identity).')
param acsAuth string = 'key'

@description('Endpoint of the Communication Services resource (ACS_ENDPOINT, used when acsAuth is entra).')
param acsEndpoint string

@description('CALL_AUTOMATION_AUDIENCE: immutable resource id of the Communication Services resource, the audience of its Call Automation callback tokens.')
param acsImmutableResourceId string

@description('TABLES_ENDPOINT: Table service endpoint, reached with the managed identity.')
param tablesEndpoint string

@description('TABLE_NAME_PREFIX: prefix of every table name.')
param tableNamePrefix string = 'acs'

@description('KEY_VAULT_URL: the vault holding the ACS connection string and the token-cache key.')
param keyVaultUrl string

@description('KEY_VAULT_ACS_SECRET_NAME: secret holding the ACS connection string.')
param acsSecretName string

@description('KEY_VAULT_CACHE_KEY_SECRET_NAME: secret holding the token-cache key.')
param cacheKeySecretName string

@description('App settings passed through as they are, by setting name (main.parameters.json). Empty values are left out.')
param optionalAppSettings object = {}

@minValue(40)
@maxValue(1000)
@description('Most instances the app scales out to.')
param maximumInstanceCount int = 100

@allowed([
  512
  2048
  4096
])
@description('Memory of each instance, in MB.')
param instanceMemoryMB int = 2048

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true // Linux
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  // azd finds the app of service `api` (azure.yaml) by this tag.
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // No platform CORS: Flex Consumption does not support it, and the app answers CORS itself
    // (CORS_ALLOWED_ORIGINS). No FTP at all; deployments go through the blob container below.
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'node'
        version: '22'
      }
    }
  }
}

// No basic (user name and password) publishing credentials, for FTP or for the SCM (Kudu) site:
// azd deploys with Entra ID.
resource ftpPublishingCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmPublishingCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'scm'
  properties: {
    allow: false
  }
}

// The optional settings that have a value; an empty one is left out, so the app applies its default.
var presentOptionalAppSettings = toObject(filter(items(optionalAppSettings), setting => !empty(setting.value)), setting => setting.key, setting => setting.value)

// Every app setting of the app. This resource replaces the whole collection on each provision, so a
// setting changed in the portal does not survive `azd provision`: settings come in through the azd
// environment (main.parameters.json). Flex Consumption sets the runtime itself:
// FUNCTIONS_WORKER_RUNTIME, FUNCTIONS_EXTENSION_VERSION and WEBSITE_RUN_FROM_PACKAGE are not allowed
// here. No key or connection string with a key appears: the app reads its secrets from Key Vault.
// The settings the deployment wires come last, so an optional setting of the same name cannot
// override them.
resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: union(presentOptionalAppSettings, {
    // Functions host storage, with the managed identity.
    AzureWebJobsStorage__accountName: storage.name
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    // Telemetry, authenticated with Entra ID (the component has local auth off).
    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
    // DefaultAzureCredential in the app: Tables, Key Vault and (ACS_AUTH=entra) ACS.
    AZURE_CLIENT_ID: identityClientId
    // The app's own settings (shared/config/appSettingsSchema.ts).
    AUTH_ISSUER: authIssuer
    AUTH_AUDIENCE: authAudience
    AUTH_SUBJECT_CLAIM: authSubjectClaim
    AUTH_ADMIN_ROLE: authAdminRole
    ACS_AUTH: acsAuth
    // The app treats an empty setting as unset.
    ACS_ENDPOINT: acsAuth == 'entra' ? acsEndpoint : ''
    TABLES_ENDPOINT: tablesEndpoint
    TABLE_NAME_PREFIX: tableNamePrefix
    KEY_VAULT_URL: keyVaultUrl
    KEY_VAULT_ACS_SECRET_NAME: acsSecretName
    KEY_VAULT_CACHE_KEY_SECRET_NAME: cacheKeySecretName
    // Call Automation: where ACS posts its callbacks, and the audience of the tokens it signs them with.
    CALLBACK_BASE_URL: 'https://${functionApp.properties.defaultHostName}'
    CALL_AUTOMATION_AUDIENCE: acsImmutableResourceId
  })
}

output name string = functionApp.name
output uri string = 'https://${functionApp.properties.defaultHostName}'

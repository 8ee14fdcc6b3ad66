// Deploys the ACS trusted service: a Function App on the Flex Consumption plan that maps app users to
// Azure Communication Services identities. Every service is reached with one user-assigned managed
// identity; the only keys (the ACS connection string and the token-cache key) live in Key Vault.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; it seeds a unique token used in every resource name.')
param environmentName string

@minLength(1)
@description('Azure region of the resource group and of every regional resource. It must offer the Flex Consumption plan.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Name of the resource group to create. Empty: rg-<environmentName>.')
param resourceGroupName string = ''

@description('Object id of the person (or CI principal) running azd. When set, it may read and write the tables and the Key Vault secrets, to debug locally against the cloud. Empty: no such access.')
param principalId string = ''

@description('Kind of principal that principalId names.')
@allowed([
  'User'
  'ServicePrincipal'
])
param principalType string = 'User'

@minLength(1)
@description('OIDC issuer of the app users (AUTH_ISSUER), e.g. https://login.microsoftonline.com/<tenant-id>/v2.0.')
param authIssuer string

@minLength(1)
@description('Audience the bearer tokens must carry (AUTH_AUDIENCE): the API app registration client id or app id URI.')
param authAudience string

@minLength(1)
@description('Claim that identifies the caller (AUTH_SUBJECT_CLAIM); oid is the stable user id of Entra ID.')
param authSubjectClaim string = 'oid'

@minLength(1)
@description('Role (in the roles claim) that makes a caller an admin (AUTH_ADMIN_ROLE).')
param authAdminRole string = 'admin'

@minLength(1)
@maxLength(30)
@description('Prefix of every table the app creates (TABLE_NAME_PREFIX): a letter, then letters or digits.')
param tableNamePrefix string = 'acs'

@description('Entra application id for the Teams user token exchange (TEAMS_APP_ID). Empty: the exchange is off.')
param teamsAppId string = ''

@description('How the app authenticates to ACS (ACS_AUTH). key: with the connection string read from Key Vault. entra: with the managed identity, which is then given the Contributor role on the Communication Services resource.')
@allowed([
  'key'
  'entra'
])
param acsAuth string = 'key'

@description('Where the Communication Services resource stores its data at rest.')
param acsDataLocation string = 'United States'

@secure()
@minLength(44)
@description('Key of the token cache: base64 of 32 random bytes (openssl rand -base64 32). azd passes it from the TOKEN_CACHE_KEY environment value; it is written to Key Vault only. Keep it stable: a new key empties the cache.')
param tokenCacheKey string

@description('Origins allowed to call the API from a browser (CORS), e.g. https://app.contoso.com. Empty: none.')
param corsAllowedOrigins array = []

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var functionAppName = 'func-api-${resourceToken}'
// Flex Consumption deploys from a blob container: one per app, named from the app.
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}-${take(resourceToken, 7)}'
var acsSecretName = 'acs-connection-string'
var cacheKeySecretName = 'token-cache-key'

resource rg 'Microsoft.Resources/resourceGroups@2022-09-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : 'rg-${environmentName}'
  location: location
  tags: tags
}

module apiIdentity './core/identity/user-assigned-identity.bicep' = {
  name: 'apiIdentity'
  scope: rg
  params: {
    name: 'id-api-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring './core/monitor/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage './core/storage/storage-account.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    containerNames: [
      deploymentContainerName
    ]
  }
}

module keyVault './core/security/key-vault.bicep' = {
  name: 'keyVault'
  scope: rg
  params: {
    name: 'kv-${resourceToken}'
    location: location
    tags: tags
  }
}

module communication './core/communication/communication-services.bicep' = {
  name: 'communication'
  scope: rg
  params: {
    name: 'acs-${resourceToken}'
    dataLocation: acsDataLocation
    tags: tags
  }
}

module secrets './app/secrets.bicep' = {
  name: 'secrets'
  scope: rg
  params: {
    keyVaultName: keyVault.outputs.name
    communicationServicesName: communication.outputs.name
    acsSecretName: acsSecretName
    cacheKeySecretName: cacheKeySecretName
    tokenCacheKey: tokenCacheKey
  }
}

module rbac './app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    identityPrincipalId: apiIdentity.outputs.principalId
    userPrincipalId: principalId
    userPrincipalType: principalType
    storageAccountName: storage.outputs.name
    keyVaultName: keyVault.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    communicationServicesName: communication.outputs.name
    grantAcsAccess: acsAuth == 'entra'
  }
}

module api './app/api.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: functionAppName
    planName: 'plan-${resourceToken}'
    location: location
    tags: tags
    identityId: apiIdentity.outputs.resourceId
    identityClientId: apiIdentity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerName: deploymentContainerName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    authIssuer: authIssuer
    authAudience: authAudience
    authSubjectClaim: authSubjectClaim
    authAdminRole: authAdminRole
    acsAuth: acsAuth
    acsEndpoint: communication.outputs.endpoint
    teamsAppId: teamsAppId
    tablesEndpoint: storage.outputs.tableEndpoint
    tableNamePrefix: tableNamePrefix
    keyVaultUrl: keyVault.outputs.uri
    acsSecretName: acsSecretName
    cacheKeySecretName: cacheKeySecretName
    corsAllowedOrigins: corsAllowedOrigins
  }
  // The app reads both secrets and its tables at start-up: grant access and write the secrets first.
  dependsOn: [
    rbac
    secrets
  ]
}

// Outputs become azd environment values: names and endpoints only, never a key or a secret.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = api.outputs.uri
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = apiIdentity.outputs.clientId
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_TABLES_ENDPOINT string = storage.outputs.tableEndpoint
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_URL string = keyVault.outputs.uri
output AZURE_COMMUNICATION_SERVICES_NAME string = communication.outputs.name
output AZURE_COMMUNICATION_SERVICES_ENDPOINT string = communication.outputs.endpoint

// Deploys the ACS trusted service: a Function App on the Flex Consumption plan that maps app users to
// Azure Communication Services identities. Every service is reached with one user-assigned managed
// identity; the only keys (the ACS connection string and the token-cache key) live in Key Vault.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; it seeds a unique token used in every resource name.')
param environmentName string

// The regions that offer the Flex Consumption plan, here and nowhere else; azd offers only these at
// its region prompt. Source, 2025-05-07: the Functions docs section "View currently supported regions"
// (learn.microsoft.com/azure/azure-functions/flex-consumption-how-to, read 2026-01-25) lists none and
// points to `az functionapp list-flexconsumption-locations`; this is the list Microsoft's own Flex
// Consumption azd template allows (Azure-Samples/functions-quickstart-typescript-azd, infra/main.bicep
// of 2025-05-07), without the canary region eastus2euap. Refresh it from that command.
@minLength(1)
@description('Azure region of the resource group and of every regional resource: one that offers the Flex Consumption plan.')
@allowed([
  'australiaeast'
  'australiasoutheast'
  'brazilsouth'
  'canadacentral'
  'centralindia'
  'centralus'
  'eastasia'
  'eastus'
  'eastus2'
  'francecentral'
  'germanywestcentral'
  'italynorth'
  'japaneast'
  'koreacentral'
  'northcentralus'
  'northeurope'
  'norwayeast'
  'southafricanorth'
  'southcentralus'
  'southeastasia'
  'southindia'
  'spaincentral'
  'swedencentral'
  'uaenorth'
  'uksouth'
  'ukwest'
  'westcentralus'
  'westeurope'
  'westus'
  'westus2'
  'westus3'
])
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

// The length is checked here; the characters by tableNamePrefixIsValid below.
@minLength(1)
@maxLength(30)
@description('Prefix of every table the app creates (TABLE_NAME_PREFIX): a letter, then up to 29 letters or digits.')
param tableNamePrefix string = 'acs'

@description('How the app authenticates to ACS (ACS_AUTH). key: with the connection string read from Key Vault. entra: with the managed identity, which is then given the Contributor role on the Communication Services resource.')
@allowed([
  'key'
  'entra'
])
param acsAuth string = 'key'

// The geographies ACS offers for data at rest (learn.microsoft.com/azure/communication-services/concepts/privacy,
// "Data residency", read 2026-01-25), spelled as the resource provider takes them (UAE, UK).
@description('Where the Communication Services resource stores its data at rest (ACS_DATA_LOCATION). It cannot be changed later.')
@allowed([
  'Africa'
  'Asia Pacific'
  'Australia'
  'Brazil'
  'Canada'
  'Europe'
  'France'
  'Germany'
  'India'
  'Japan'
  'Korea'
  'Norway'
  'Switzerland'
  'UAE'
  'UK'
  'United States'
])
param acsDataLocation string = 'United States'

@description('Which ACS access key the Key Vault secret holds (ACS_KEY_IN_USE). Every provision writes this key\'s connection string; switch it before regenerating the other key (infra/README.md, "Rotating the ACS access key").')
@allowed([
  'primary'
  'secondary'
])
param acsKeyInUse string = 'primary'

@description('Create the Event Grid subscription that delivers incoming calls to the app (INCOMING_CALLS_ENABLED). Its validation handshake needs the app deployed and answering: turn it on after the first azd up.')
param incomingCallsEnabled bool = false

@description('App settings the deployment passes through as they are, by setting name (main.parameters.json maps each to the azd environment value of the same name). An empty value is left out, so the app applies its default.')
param optionalAppSettings object = {}

@secure()
@minLength(44)
@description('Key of the token cache: base64 of 32 random bytes (openssl rand -base64 32). azd passes it from the TOKEN_CACHE_KEY environment value; it is written to Key Vault only. Keep it stable: a new key empties the cache.')
param tokenCacheKey string

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var functionAppName = 'func-api-${resourceToken}'
// Flex Consumption deploys from a blob container: one per app, named from the app.
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}-${take(resourceToken, 7)}'
var acsSecretName = 'acs-connection-string'
var cacheKeySecretName = 'token-cache-key'

// Bicep has no regular expressions, so the app's rule for TABLE_NAME_PREFIX (a letter, then letters or
// digits: shared/config/appSettingsSchema.ts) is checked one character at a time; the length is the
// param's @minLength and @maxLength. A bad prefix fails the deployment (with fail(), where the api
// module gets it) instead of reaching an app that would refuse to start.
var asciiLetters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'
var asciiLettersAndDigits = '${asciiLetters}0123456789'
var tableNamePrefixCharacters = map(range(0, length(tableNamePrefix)), i => substring(tableNamePrefix, i, 1))
var tableNamePrefixIsValid = contains(asciiLetters, first(tableNamePrefix)) && empty(filter(tableNamePrefixCharacters, c => !contains(asciiLettersAndDigits, c)))

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
    acsKeyInUse: acsKeyInUse
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
    acsImmutableResourceId: communication.outputs.immutableResourceId
    tablesEndpoint: storage.outputs.tableEndpoint
    tableNamePrefix: tableNamePrefixIsValid ? tableNamePrefix : fail('TABLE_NAME_PREFIX must be a letter followed by up to 29 letters or digits.')
    keyVaultUrl: keyVault.outputs.uri
    acsSecretName: acsSecretName
    cacheKeySecretName: cacheKeySecretName
    optionalAppSettings: optionalAppSettings
  }
  // The app reads both secrets and its tables at start-up: grant access and write the secrets first.
  dependsOn: [
    rbac
    secrets
  ]
}

// Incoming calls: the Event Grid system topic of the ACS resource always; the subscription that
// delivers Microsoft.Communication.IncomingCall to the app only once the app answers its handshake.
module incomingCalls './app/incoming-calls.bicep' = {
  name: 'incomingCalls'
  scope: rg
  params: {
    name: 'evgt-acs-${resourceToken}'
    communicationServicesName: communication.outputs.name
    endpointUrl: '${api.outputs.uri}/api/callautomation/incoming-calls'
    applicationIdOrUri: authAudience
    createSubscription: incomingCallsEnabled
    tags: tags
  }
}

// Outputs become azd environment values: names and endpoints only, never a key or a secret.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = api.outputs.uri
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = apiIdentity.outputs.clientId
output AZURE_MANAGED_IDENTITY_PRINCIPAL_ID string = apiIdentity.outputs.principalId
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_TABLES_ENDPOINT string = storage.outputs.tableEndpoint
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_URL string = keyVault.outputs.uri
output AZURE_COMMUNICATION_SERVICES_NAME string = communication.outputs.name
output AZURE_COMMUNICATION_SERVICES_ENDPOINT string = communication.outputs.endpoint
output AZURE_EVENT_GRID_SYSTEM_TOPIC_NAME string = incomingCalls.outputs.systemTopicName

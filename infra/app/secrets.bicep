// Writes the app's two secrets into Key Vault. The ACS connection string is read here, with
// listKeys(), and goes straight into the vault: it never passes through a parameter or an output.
// Each provision writes the connection string of the key in use (acsKeyInUse, the azd value
// ACS_KEY_IN_USE), never the other one: the key rotation (infra/README.md) switches to the other key
// first and regenerates the one no longer in use, so no provision can put a regenerated key back.

@description('Name of the Key Vault that receives the secrets.')
param keyVaultName string

@description('Name of the Communication Services resource whose connection string is stored.')
param communicationServicesName string

@description('Name of the secret holding the ACS connection string (KEY_VAULT_ACS_SECRET_NAME).')
param acsSecretName string

@description('Name of the secret holding the token-cache key (KEY_VAULT_CACHE_KEY_SECRET_NAME).')
param cacheKeySecretName string

@secure()
@description('Token-cache key: base64 of 32 random bytes.')
param tokenCacheKey string

@description('Which ACS access key the secret holds.')
@allowed([
  'primary'
  'secondary'
])
param acsKeyInUse string = 'primary'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource communication 'Microsoft.Communication/communicationServices@2023-04-01' existing = {
  name: communicationServicesName
}

resource acsSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: acsSecretName
  properties: {
    contentType: 'text/plain'
    value: acsKeyInUse == 'secondary' ? communication.listKeys().secondaryConnectionString : communication.listKeys().primaryConnectionString
  }
}

resource cacheKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: cacheKeySecretName
  properties: {
    contentType: 'text/plain'
    value: tokenCacheKey
  }
}

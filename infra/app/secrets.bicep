// Writes the app's two secrets into Key Vault. The ACS connection string is read here, with
// listKeys(), and goes straight into the vault: it never passes through a parameter or an output.
// Each provision writes the current primary connection string, so after the ACS primary key is
// regenerated, `azd provision` (or az keyvault secret set) brings the vault up to date.

@description('Name of the Key Vault that receives the secrets.')
param keyVaultName string

@description('Name of the Communication Services resource whose primary connection string is stored.')
param communicationServicesName string

@description('Name of the secret holding the ACS connection string (KEY_VAULT_ACS_SECRET_NAME).')
param acsSecretName string

@description('Name of the secret holding the token-cache key (KEY_VAULT_CACHE_KEY_SECRET_NAME).')
param cacheKeySecretName string

@secure()
@description('Token-cache key: base64 of 32 random bytes.')
param tokenCacheKey string

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
    value: communication.listKeys().primaryConnectionString
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

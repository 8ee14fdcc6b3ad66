// A user-assigned managed identity. The Function App runs as it, and DefaultAzureCredential finds it
// through AZURE_CLIENT_ID.

@description('Name of the identity.')
param name string

@description('Region of the identity.')
param location string = resourceGroup().location

@description('Tags of the identity.')
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output name string = identity.name
output resourceId string = identity.id
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId

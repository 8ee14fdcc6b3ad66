// Storage account of the app: the Flex Consumption deployment container, the Functions host
// storage (AzureWebJobsStorage) and the Table service that holds the app's mappings and calls.
// Shared keys are off: everything, the platform included, signs in with Entra ID.

@description('Name of the storage account: 3 to 24 lowercase letters and digits, unique in Azure.')
param name string

@description('Region of the storage account.')
param location string = resourceGroup().location

@description('Tags of the storage account.')
param tags object = {}

@description('Blob containers to create (private).')
param containerNames array = []

@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
])
@description('Replication of the storage account.')
param skuName string = 'Standard_LRS'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [
  for containerName in containerNames: {
    parent: blobService
    name: containerName
    properties: {
      publicAccess: 'None'
    }
  }
]

// The app creates its own tables (named with TABLE_NAME_PREFIX) in this service.
resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

// The endpoint ends with '/'; the app gets it without.
var tableEndpoint = storage.properties.primaryEndpoints.table

output name string = storage.name
output tableEndpoint string = endsWith(tableEndpoint, '/') ? substring(tableEndpoint, 0, length(tableEndpoint) - 1) : tableEndpoint

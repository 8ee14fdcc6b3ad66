// Azure Communication Services resource. It is a global resource; dataLocation sets where its data
// is stored at rest.

@description('Name of the Communication Services resource, unique in Azure.')
param name string

@description('Where the resource stores its data at rest, e.g. United States, Europe, UK, Japan.')
param dataLocation string = 'United States'

@description('Tags of the resource.')
param tags object = {}

resource communication 'Microsoft.Communication/communicationServices@2023-04-01' = {
  name: name
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
  }
}

output name string = communication.name
output endpoint string = 'https://${communication.properties.hostName}'
// The id ACS puts in its identities and in the audience of its Call Automation callback tokens.
output immutableResourceId string = communication.properties.immutableResourceId

// Incoming calls to the resource's numbers reach the app through Event Grid: a system topic on the
// Communication Services resource, and a subscription that posts Microsoft.Communication.IncomingCall
// to the app. Delivery is Entra-protected: Event Grid sends a bearer token it gets for the API app
// registration, which the app verifies like any other (audience, issuer, and the role
// INCOMING_CALL_ROLE assigned to Event Grid's service principal; infra/README.md, "Incoming calls").

@description('Name of the Event Grid system topic.')
param name string

@description('Name of the Communication Services resource whose events the topic carries.')
param communicationServicesName string

@description('URL Event Grid posts incoming calls to: https://<app host>/api/callautomation/incoming-calls.')
param endpointUrl string

@description('The API app registration Event Grid gets its bearer token for (the audience, AUTH_AUDIENCE).')
param applicationIdOrUri string

@description('Tenant of that app registration.')
param tenantId string = tenant().tenantId

@description('Create the subscription. Event Grid validates the endpoint when the subscription is created, so the app must be deployed and answering first.')
param createSubscription bool = false

@description('Tags of the topic.')
param tags object = {}

resource communication 'Microsoft.Communication/communicationServices@2023-04-01' existing = {
  name: communicationServicesName
}

// Communication Services is a global resource, so its system topic is global too.
resource systemTopic 'Microsoft.EventGrid/systemTopics@2022-06-15' = {
  name: name
  location: 'global'
  tags: tags
  properties: {
    source: communication.id
    topicType: 'Microsoft.Communication.CommunicationServices'
  }
}

resource incomingCallSubscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2022-06-15' = if (createSubscription) {
  parent: systemTopic
  name: 'incoming-calls'
  properties: {
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      includedEventTypes: [
        'Microsoft.Communication.IncomingCall'
      ]
    }
    destination: {
      endpointType: 'WebHook'
      properties: {
        endpointUrl: endpointUrl
        azureActiveDirectoryTenantId: tenantId
        azureActiveDirectoryApplicationIdOrUri: applicationIdOrUri
        // One call per request: each is answered on its own.
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    // A call can only be answered while it rings: a delivery that is minutes late answers nothing,
    // so give up after the shortest time Event Grid allows.
    retryPolicy: {
      maxDeliveryAttempts: 3
      eventTimeToLiveInMinutes: 1
    }
  }
}

output systemTopicName string = systemTopic.name

// The Event Grid system topic of the storage account. Its subscription to the blob extension's
// webhook needs the blobs_extension system key, which exists only once the code is deployed, so
// the azd postdeploy hook creates it (infra/hooks/postdeploy.sh).
param name string
param location string
param tags object
param storageAccountName string

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource systemTopic 'Microsoft.EventGrid/systemTopics@2024-06-01-preview' = {
  name: name
  location: location
  tags: tags
  properties: {
    source: storage.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

output name string = systemTopic.name

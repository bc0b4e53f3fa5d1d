// The whole image pipeline in one resource group: `azd up` provisions this, then deploys the
// function app (service `api`) and the web app (service `web`). Every data-plane call goes
// through one user-assigned identity; no key or secret connection string exists anywhere.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; part of every resource name and the azd-env-name tag.')
param environmentName string

@minLength(1)
@description('Region of every resource except the web app.')
@metadata({ azd: { type: 'location' } })
param location string

@allowed(['AzureStorage', 'DurableTaskScheduler'])
@description('Durable backend. AzureStorage (default) supports the Vision gate entity in JavaScript apps; see docs/deploy.md before choosing DurableTaskScheduler.')
param durableBackend string = 'AzureStorage'

@allowed(['Consumption', 'Dedicated'])
@description('Durable Task Scheduler SKU, when durableBackend is DurableTaskScheduler.')
param durableTaskSchedulerSku string = 'Consumption'

@allowed(['S1', 'F0'])
@description('Azure AI Vision tier. F0 is free (20 calls a minute, one F0 account per subscription).')
param visionSku string = 'S1'

@minValue(0)
@maxValue(100000)
@description('Calls a minute the Vision gate allows per endpoint; 0: the tier\'s quota (S1 600, F0 20).')
param visionCallsPerMinute int = 0

@description('A second region for a second Vision account (the gate fails over between them); empty: one region.')
param secondaryLocation string = ''

@allowed(['azure', 'local', 'none'])
@description('Image analysis: Azure AI Vision (azure), offline analysis in the app (local), or none.')
param analyzer string = 'azure'

@allowed(['Serverless', 'Provisioned'])
@description('Cosmos DB capacity mode: Serverless (pay per request) or Provisioned (400 RU/s).')
param cosmosCapacityMode string = 'Serverless'

@allowed([512, 2048, 4096])
@description('Memory of each Flex Consumption instance, in MB.')
param instanceMemoryMB int = 2048

@minValue(40)
@maxValue(1000)
@description('Most Flex Consumption instances the app scales out to.')
param maximumInstanceCount int = 100

@allowed(['webp', 'jpeg', 'avif'])
@description('Format of the variants (VARIANT_FORMAT).')
param variantFormat string = 'webp'

@minValue(1)
@description('Upload cap in bytes (MAX_UPLOAD_BYTES).')
param maxUploadBytes int = 20971520

@minValue(1)
@description('Decode cap, width × height (MAX_INPUT_PIXELS).')
param maxInputPixels int = 50000000

@minValue(1)
@maxValue(604800)
@description('How long an upload URL stays valid, in seconds (UPLOAD_URL_TTL_SECONDS).')
param uploadUrlTtlSeconds int = 600

@minValue(0)
@description('Finished orchestration history older than this many days is purged; 0 keeps all (HISTORY_RETENTION_DAYS).')
param historyRetentionDays int = 30

@minValue(1)
@description('Minutes after which a stalled record is reconciled (STALL_MINUTES).')
param stallMinutes int = 10

@allowed(['centralus', 'eastasia', 'eastus2', 'westeurope', 'westus2'])
@description('Region of the Static Web App (a few regions only; it is served worldwide).')
param webLocation string = 'westeurope'

var abbrs = loadJsonContent('abbreviations.json')
// The task hub is the one host.json names, so both backends use the same hub.
var hubName = loadJsonContent('../host.json').extensions.durableTask.hubName
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var functionAppName = '${abbrs.webSitesFunctions}api-${resourceToken}'
var deploymentContainer = 'app-package-${take(functionAppName, 32)}-${take(resourceToken, 7)}'
var imageContainers = ['images-incoming', 'images-variants']
var useScheduler = durableBackend == 'DurableTaskScheduler'
var useSecondary = !empty(secondaryLocation)

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}api-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
  }
}

module web 'app/web.bicep' = {
  name: 'web'
  scope: rg
  params: {
    name: '${abbrs.webStaticSites}${resourceToken}'
    location: webLocation
    tags: union(tags, { 'azd-service-name': 'web' })
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    containers: concat([deploymentContainer], imageContainers)
    allowedOrigins: [web.outputs.origin]
  }
}

module eventGrid 'app/event-grid.bicep' = {
  name: 'event-grid'
  scope: rg
  params: {
    name: '${abbrs.eventGridDomainsTopics}storage-${resourceToken}'
    location: location
    tags: tags
    storageAccountName: storage.outputs.name
  }
}

module cosmos 'app/cosmos.bicep' = {
  name: 'cosmos'
  scope: rg
  params: {
    name: '${abbrs.documentDBDatabaseAccounts}${resourceToken}'
    location: location
    tags: tags
    databaseName: 'images'
    containerName: 'records'
    capacityMode: cosmosCapacityMode
  }
}

module vision 'app/vision.bicep' = {
  name: 'vision'
  scope: rg
  params: {
    name: '${abbrs.cognitiveServicesComputerVision}${resourceToken}'
    location: location
    tags: tags
    sku: visionSku
  }
}

module visionSecondary 'app/vision.bicep' = if (useSecondary) {
  name: 'vision-secondary'
  scope: rg
  params: {
    name: '${abbrs.cognitiveServicesComputerVision}${resourceToken}-2'
    location: useSecondary ? secondaryLocation : location
    tags: tags
    sku: visionSku
  }
}

module scheduler 'app/durable-task-scheduler.bicep' = if (useScheduler) {
  name: 'durable-task-scheduler'
  scope: rg
  params: {
    name: '${abbrs.durableTaskSchedulers}${resourceToken}'
    location: location
    tags: tags
    taskHubName: hubName
    skuName: durableTaskSchedulerSku
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    principalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
    cosmosAccountName: cosmos.outputs.name
    visionAccountNames: useSecondary
      ? [vision.outputs.name, visionSecondary!.outputs.name]
      : [vision.outputs.name]
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    durableTaskSchedulerName: useScheduler ? scheduler!.outputs.name : ''
  }
}

var visionEndpoints = useSecondary
  ? [vision.outputs.endpoint, visionSecondary!.outputs.endpoint]
  : [vision.outputs.endpoint]

// The Functions host's own connection (host, blob trigger, Azure Storage durable backend) and
// telemetry, both with the identity.
var hostSettings = {
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identity.outputs.clientId
  AzureWebJobsStorage__blobServiceUri: storage.outputs.blobEndpoint
  AzureWebJobsStorage__queueServiceUri: storage.outputs.queueEndpoint
  AzureWebJobsStorage__tableServiceUri: storage.outputs.tableEndpoint
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.outputs.clientId};Authorization=AAD'
}

// host.json names the Azure Storage provider; these override it (AzureFunctionsJobHost__ app
// settings) when the Durable Task Scheduler holds the task hub, so one build serves both.
var schedulerSettings = useScheduler
  ? {
      DURABLE_TASK_SCHEDULER_CONNECTION_STRING: 'Endpoint=${scheduler!.outputs.endpoint};Authentication=ManagedIdentity;ClientID=${identity.outputs.clientId}'
      AzureFunctionsJobHost__extensions__durableTask__storageProvider__type: 'azureManaged'
      AzureFunctionsJobHost__extensions__durableTask__storageProvider__connectionStringName: 'DURABLE_TASK_SCHEDULER_CONNECTION_STRING'
    }
  : {}

// The app's configuration (src/config.ts): no COSMOS_KEY, no VISION_KEYS, so the app uses the
// identity (DefaultAzureCredential with AZURE_CLIENT_ID) for Cosmos DB and Vision.
var appConfig = {
  COSMOS_ENDPOINT: cosmos.outputs.endpoint
  COSMOS_DATABASE: cosmos.outputs.databaseName
  COSMOS_CONTAINER: cosmos.outputs.containerName
  ANALYZER: analyzer
  VISION_ENDPOINTS: join(visionEndpoints, ',')
  VISION_CALLS_PER_MINUTE: string(visionCallsPerMinute > 0 ? visionCallsPerMinute : (visionSku == 'F0' ? 20 : 600))
  VISION_BREAKER_FAILURES: '5'
  VISION_BREAKER_SECONDS: '30'
  VISION_MAX_WAIT_SECONDS: '900'
  VISION_MAX_ATTEMPTS: '6'
  MAX_UPLOAD_BYTES: string(maxUploadBytes)
  UPLOAD_URL_TTL_SECONDS: string(uploadUrlTtlSeconds)
  MAX_INPUT_PIXELS: string(maxInputPixels)
  VARIANT_FORMAT: variantFormat
  RESUME_DEFERRED_SCHEDULE: '0 */1 * * * *'
  REPROCESS_CHILDREN_PER_GENERATION: '200'
  HISTORY_RETENTION_DAYS: string(historyRetentionDays)
  HISTORY_PURGE_SCHEDULE: '0 17 * * * *'
  STALL_MINUTES: string(stallMinutes)
  RECONCILE_SCHEDULE: '0 */5 * * * *'
  OCR_MIN_CONFIDENCE: '70'
  MODERATION_THRESHOLD: '0.6'
}

module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  dependsOn: [rbac]
  params: {
    name: functionAppName
    planName: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: union(tags, { 'azd-service-name': 'api' })
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    deploymentContainerUrl: '${storage.outputs.blobEndpoint}${deploymentContainer}'
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    allowedOrigins: [web.outputs.origin, 'https://portal.azure.com']
    appSettings: union(hostSettings, schedulerSettings, appConfig)
  }
}

// Read by the hooks and by `azd env get-values`; names and URLs only, nothing secret.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output AZURE_FUNCTION_URL string = 'https://${api.outputs.hostName}'
output AZURE_STATIC_WEB_APP_NAME string = web.outputs.name
output AZURE_WEB_URL string = web.outputs.origin
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_EVENT_GRID_TOPIC_NAME string = eventGrid.outputs.name
output AZURE_COSMOS_ENDPOINT string = cosmos.outputs.endpoint
output VISION_ENDPOINTS string = join(visionEndpoints, ',')
output DURABLE_BACKEND string = durableBackend
output IMAGES_INCOMING_CONTAINER string = imageContainers[0]

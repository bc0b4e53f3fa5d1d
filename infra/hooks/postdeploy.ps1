# azd postdeploy (Windows): the same as postdeploy.sh. Subscribe the blob trigger
# (onImageUploaded, Event Grid source) to BlobCreated events under images-incoming. The key is
# read from Azure Resource Manager and handed to Event Grid; it is never printed or stored.
$ErrorActionPreference = 'Stop'

foreach ($name in 'AZURE_RESOURCE_GROUP', 'AZURE_FUNCTION_APP_NAME', 'AZURE_FUNCTION_URL', 'AZURE_EVENT_GRID_TOPIC_NAME') {
  if (-not (Get-Item "env:$name" -ErrorAction SilentlyContinue)) { throw "$name is not set: run through azd (azd up / azd deploy)" }
}
$container = if ($env:IMAGES_INCOMING_CONTAINER) { $env:IMAGES_INCOMING_CONTAINER } else { 'images-incoming' }
$functionName = 'onImageUploaded'
$subscriptionName = "$container-created"

Write-Host "Waiting for the blob extension's system key on $env:AZURE_FUNCTION_APP_NAME..."
$key = ''
for ($attempt = 1; -not $key -or $key -eq 'None'; $attempt++) {
  if ($attempt -gt 30) { throw "The blobs_extension key did not appear; check the app's logs and run: azd hooks run postdeploy" }
  try { Invoke-WebRequest -Uri "$env:AZURE_FUNCTION_URL/api/health" -TimeoutSec 30 -UseBasicParsing | Out-Null } catch { }
  $key = az functionapp keys list --resource-group $env:AZURE_RESOURCE_GROUP --name $env:AZURE_FUNCTION_APP_NAME `
    --query systemKeys.blobs_extension --output tsv 2> $null
  if (-not $key -or $key -eq 'None') { Start-Sleep -Seconds 10 }
}

$endpoint = "$env:AZURE_FUNCTION_URL/runtime/webhooks/blobs?functionName=Host.Functions.$functionName&code=$key"
az eventgrid system-topic event-subscription create `
  --resource-group $env:AZURE_RESOURCE_GROUP `
  --system-topic-name $env:AZURE_EVENT_GRID_TOPIC_NAME `
  --name $subscriptionName `
  --endpoint-type webhook `
  --endpoint $endpoint `
  --included-event-types Microsoft.Storage.BlobCreated `
  --subject-begins-with "/blobServices/default/containers/$container/" `
  --event-delivery-schema EventGridSchema `
  --output none
if ($LASTEXITCODE -ne 0) { throw 'Creating the Event Grid subscription failed' }
Write-Host "Event Grid subscription $subscriptionName delivers BlobCreated under $container to $functionName."

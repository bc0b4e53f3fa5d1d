#!/bin/sh
# azd postdeploy: subscribe the blob trigger (onImageUploaded, Event Grid source) to BlobCreated
# events under images-incoming. The webhook needs the blobs_extension system key, which the
# Functions host creates only once the code is deployed, so this cannot be in Bicep. The key is
# read from Azure Resource Manager and handed to Event Grid; it is never printed or stored.
# Running it again updates the same subscription.
set -eu

: "${AZURE_RESOURCE_GROUP:?run through azd (azd up / azd deploy), or set the azd outputs}"
: "${AZURE_FUNCTION_APP_NAME:?}"
: "${AZURE_FUNCTION_URL:?}"
: "${AZURE_EVENT_GRID_TOPIC_NAME:?}"
container="${IMAGES_INCOMING_CONTAINER:-images-incoming}"
function_name="onImageUploaded"
subscription_name="${container}-created"

echo "Waiting for the blob extension's system key on $AZURE_FUNCTION_APP_NAME..."
key=""
attempt=0
while [ -z "$key" ] || [ "$key" = "None" ]; do
  attempt=$((attempt + 1))
  if [ "$attempt" -gt 30 ]; then
    echo "The blobs_extension key did not appear; check the app's logs and run: azd hooks run postdeploy" >&2
    exit 1
  fi
  # A request makes a cold host start and register its extensions (and their keys).
  curl -s -o /dev/null --max-time 30 "$AZURE_FUNCTION_URL/api/health" || true
  key="$(az functionapp keys list --resource-group "$AZURE_RESOURCE_GROUP" --name "$AZURE_FUNCTION_APP_NAME" \
    --query systemKeys.blobs_extension --output tsv 2> /dev/null || true)"
  [ -n "$key" ] && [ "$key" != "None" ] || sleep 10
done

endpoint="$AZURE_FUNCTION_URL/runtime/webhooks/blobs?functionName=Host.Functions.$function_name&code=$key"
az eventgrid system-topic event-subscription create \
  --resource-group "$AZURE_RESOURCE_GROUP" \
  --system-topic-name "$AZURE_EVENT_GRID_TOPIC_NAME" \
  --name "$subscription_name" \
  --endpoint-type webhook \
  --endpoint "$endpoint" \
  --included-event-types Microsoft.Storage.BlobCreated \
  --subject-begins-with "/blobServices/default/containers/$container/" \
  --event-delivery-schema EventGridSchema \
  --output none
echo "Event Grid subscription $subscription_name delivers BlobCreated under $container to $function_name."

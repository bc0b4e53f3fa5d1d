#!/bin/sh
# azd prepackage of the web service (runs in its project folder): writes dist/config.json with
# the API's base URL, so the same build talks to its own function app (same-origin locally).
set -eu
: "${AZURE_FUNCTION_URL:?run through azd after provisioning}"
mkdir -p dist
printf '{ "apiBaseUrl": "%s" }\n' "$AZURE_FUNCTION_URL" > dist/config.json
echo "dist/config.json: apiBaseUrl $AZURE_FUNCTION_URL"

# azd prepackage of the web service (Windows): the same as web-config.sh.
$ErrorActionPreference = 'Stop'
if (-not $env:AZURE_FUNCTION_URL) { throw 'AZURE_FUNCTION_URL is not set: run through azd after provisioning' }
New-Item -ItemType Directory -Force -Path dist | Out-Null
Set-Content -Path dist/config.json -Value ('{ "apiBaseUrl": "' + $env:AZURE_FUNCTION_URL + '" }')
Write-Host "dist/config.json: apiBaseUrl $env:AZURE_FUNCTION_URL"

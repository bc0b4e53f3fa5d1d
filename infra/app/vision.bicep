// One Azure AI Vision account (Image Analysis 4.0). Local (key) auth is off; the custom
// subdomain is what Entra ID authentication needs. Each account gets its own Vision gate.
param name string
param location string
param tags object
@allowed(['S1', 'F0'])
param sku string

resource vision 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: name
  location: location
  tags: tags
  kind: 'ComputerVision'
  sku: { name: sku }
  properties: {
    customSubDomainName: name
    disableLocalAuth: true
    publicNetworkAccess: 'Enabled'
  }
}

output name string = vision.name
output endpoint string = vision.properties.endpoint

// The browser app on Azure Static Web Apps (Free): azd deploys its build with the
// `staticwebapp` host, and its origin is known here, at provision time, for the CORS rules.
param name string
@description('Static Web Apps runs in a few regions only.')
param location string
param tags object

resource web 'Microsoft.Web/staticSites@2024-04-01' = {
  name: name
  location: location
  tags: tags
  sku: { name: 'Free', tier: 'Free' }
  properties: {
    allowConfigFileUpdates: true
    stagingEnvironmentPolicy: 'Disabled'
  }
}

output name string = web.name
output origin string = 'https://${web.properties.defaultHostname}'

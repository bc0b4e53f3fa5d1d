/**
 * The app settings the compiled template gives the function app, for a set of main.bicep
 * parameters: the `appsettings` config resource of the `api` module, evaluated.
 */
import { resourcesOf, type Json } from './compiled-template';
import { compiledTemplate } from './compiled-template';
import { settingsAsStrings, TemplateScope } from './arm-evaluator';

export const BASE_PARAMETERS: Record<string, Json> = {
  environmentName: 'ci',
  location: 'westeurope',
};

export function apiScope(parameters: Record<string, Json> = {}): TemplateScope {
  const main = TemplateScope.main(compiledTemplate(), { ...BASE_PARAMETERS, ...parameters });
  return main.module('api');
}

export function appSettingsFor(parameters: Record<string, Json> = {}): Record<string, string> {
  const api = apiScope(parameters);
  const config = resourcesOf(api.template).find((r) => r.type === 'Microsoft.Web/sites/config');
  if (config === undefined) throw new Error('The api module sets no app settings');
  return settingsAsStrings(api.value(config.properties) as Record<string, unknown>);
}

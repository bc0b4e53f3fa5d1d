/**
 * Nothing secret travels. The scan covers infra/ (Bicep, parameters, hooks), azure.yaml,
 * docs/deploy.md and the compiled ARM template; it leaves out devhost's public Azurite and Cosmos
 * emulator keys (devhost/emulators/well-known-keys.ts, local.settings.json.sample), which are
 * published constants for local emulators, not secrets of any deployment.
 */
import fs from 'node:fs';
import path from 'node:path';
import { compiledTemplate, resourcesOf, ROOT, type ArmTemplate } from './support/compiled-template';
import { TemplateScope } from './support/arm-evaluator';
import { BASE_PARAMETERS } from './support/app-settings';

function filesUnder(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(rel) : [rel];
  });
}

const SCANNED = [...filesUnder('infra'), 'azure.yaml', 'docs/deploy.md'];

/** ARM functions that return keys or secrets, and strings that only a secret contains. */
const SECRET_PATTERNS = [
  /\blist[A-Za-z]*\s*\(/i,
  /\.listKeys\b|listKeys/i,
  /AccountKey\s*=/i,
  /SharedAccessKey\s*=/i,
  /SharedAccessSignature\s*=/i,
  /\b[A-Za-z0-9+/]{86}==/,
];

function nestedTemplates(template: ArmTemplate): ArmTemplate[] {
  const nested = resourcesOf(template)
    .map((r) => (r.properties as { template?: ArmTemplate } | undefined)?.template)
    .filter((t): t is ArmTemplate => t !== undefined);
  return [template, ...nested.flatMap(nestedTemplates)];
}

describe('Template: nothing secret', () => {
  it.each(SCANNED)('%s has no key, no listKeys, no AccountKey=', (file) => {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    for (const pattern of SECRET_PATTERNS) expect(text).not.toMatch(pattern);
  });

  it('the compiled template calls no list* function and holds no key', () => {
    const text = JSON.stringify(compiledTemplate());
    for (const pattern of SECRET_PATTERNS) expect(text).not.toMatch(pattern);
  });

  it('no output, in the template or any module, is a key, a secret or a connection string', () => {
    for (const template of nestedTemplates(compiledTemplate())) {
      for (const [name, output] of Object.entries(template.outputs ?? {})) {
        expect(name).not.toMatch(/key|secret|password|token/i);
        expect(output.type.toLowerCase()).not.toMatch(/secure/);
      }
    }
    const main = compiledTemplate();
    expect(Object.keys(main.outputs ?? {}).filter((n) => /connection/i.test(n))).toEqual([]);
  });

  it('every service refuses keys: shared key, local auth and public blob access are off', () => {
    const main = TemplateScope.main(compiledTemplate(), BASE_PARAMETERS);
    const props = (module: string, type: string): Record<string, unknown> => {
      const scope = main.module(module);
      const resource = resourcesOf(scope.template).find((r) => r.type === type);
      if (resource === undefined) throw new Error(`${module} has no ${type}`);
      return scope.value(resource.properties) as Record<string, unknown>;
    };
    expect(props('storage', 'Microsoft.Storage/storageAccounts')).toMatchObject({
      allowSharedKeyAccess: false,
      allowBlobPublicAccess: false,
      minimumTlsVersion: 'TLS1_2',
      supportsHttpsTrafficOnly: true,
    });
    expect(props('cosmos', 'Microsoft.DocumentDB/databaseAccounts')).toMatchObject({
      disableLocalAuth: true,
    });
    expect(props('vision', 'Microsoft.CognitiveServices/accounts')).toMatchObject({
      disableLocalAuth: true,
    });
    expect(props('monitoring', 'Microsoft.Insights/components')).toMatchObject({
      DisableLocalAuth: true,
    });
    expect(props('api', 'Microsoft.Web/sites')).toMatchObject({ httpsOnly: true });
  });

  it('the hooks never print the blob extension key', () => {
    for (const file of ['infra/hooks/postdeploy.sh', 'infra/hooks/postdeploy.ps1']) {
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
      const printing = text
        .split('\n')
        .filter((line) => /\b(echo|printf|Write-Host|Write-Output)\b/.test(line))
        .filter((line) => /\$key|\$\{key\}|\$endpoint|\$\{endpoint\}/.test(line));
      expect(printing).toEqual([]);
      expect(text).toMatch(/--output none/);
    }
  });
});

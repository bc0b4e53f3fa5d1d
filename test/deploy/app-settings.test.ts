/**
 * What the template provisions and what the app reads are one contract: every setting the app's
 * config parser (src/config.ts) and host.json read is set by the template, from the resources it
 * creates, for each backend; and the app's own parser accepts what the template sets.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { appSettingsFor } from './support/app-settings';
import { ROOT, type Json } from './support/compiled-template';

/** Settings the app can read that the template leaves unset on purpose, and why. */
const UNSET_ON_PURPOSE: Record<string, string> = {
  COSMOS_KEY: 'a key: Cosmos DB local auth is off, the identity is used',
  VISION_KEYS: 'keys: Vision local auth is off, the identity is used',
  AzureWebJobsStorage:
    'a connection string: the identity-based AzureWebJobsStorage__* settings are set instead',
  AzureWebJobsStorage__accountName: 'AzureWebJobsStorage__blobServiceUri is set instead',
};

/** Names the parser reads, found in its source: `(env, 'NAME'` in any helper call. */
function namesInConfigSource(): Set<string> {
  const source = fs.readFileSync(path.join(ROOT, 'src', 'config.ts'), 'utf8');
  return new Set(
    [...source.matchAll(/\(\s*env\s*,\s*'([A-Za-z_][A-Za-z0-9_]*)'/g)].map((m) => m[1]!),
  );
}

/** Names the parser reads when given `env`, recorded as it reads them. */
function namesReadBy(env: Record<string, string>): Set<string> {
  const read = new Set<string>();
  const recording = new Proxy(env, {
    get(target, key) {
      if (typeof key === 'string') read.add(key);
      return target[key as string];
    },
  });
  loadConfig(recording);
  return read;
}

/** `%NAME%` app setting references and connection names in host.json. */
function namesInHostJson(): Set<string> {
  const text = fs.readFileSync(path.join(ROOT, 'host.json'), 'utf8');
  const names = [...text.matchAll(/%([A-Za-z_][A-Za-z0-9_]*)%/g)].map((m) => m[1]!);
  const connections = [
    ...text.matchAll(/"(?:connectionName|connectionStringName)"\s*:\s*"([^"%]+)"/g),
  ];
  return new Set([...names, ...connections.map((m) => m[1]!)]);
}

/** Names read directly from process.env anywhere in src/ (the parser should be the only reader). */
function namesFromProcessEnv(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (file.endsWith('.ts')) {
        const text = fs.readFileSync(file, 'utf8');
        for (const m of text.matchAll(
          /process\.env(?:\.([A-Za-z_]\w*)|\[\s*'([A-Za-z_]\w*)'\s*\])/g,
        )) {
          names.add((m[1] ?? m[2])!);
        }
      }
    }
  };
  walk(path.join(ROOT, 'src'));
  return names;
}

const BACKENDS: { name: string; parameters: Record<string, Json> }[] = [
  { name: 'Azure Storage backend (default)', parameters: {} },
  {
    name: 'Durable Task Scheduler, two Vision regions, F0',
    parameters: {
      durableBackend: 'DurableTaskScheduler',
      secondaryLocation: 'northeurope',
      visionSku: 'F0',
    },
  },
];

describe('Template: app settings', () => {
  describe.each(BACKENDS)('$name', ({ parameters }) => {
    const settings = appSettingsFor(parameters);

    it('sets every setting the app and host.json read, except those left unset on purpose', () => {
      // Prepare
      const read = new Set([
        ...namesInConfigSource(),
        ...namesReadBy(settings),
        ...namesInHostJson(),
        ...namesFromProcessEnv(),
      ]);
      // Act
      const missing = [...read].filter(
        (name) => !(name in settings) && !(name in UNSET_ON_PURPOSE),
      );
      // Assess
      expect(read.size).toBeGreaterThan(15);
      expect(missing).toEqual([]);
    });

    it('sets no key and no connection string with a secret', () => {
      for (const name of ['COSMOS_KEY', 'VISION_KEYS', 'AzureWebJobsStorage']) {
        expect(settings).not.toHaveProperty(name);
      }
      for (const [name, value] of Object.entries(settings)) {
        expect(`${name}=${value}`).not.toMatch(
          /AccountKey=|SharedAccessKey=|AccessKey=|Password=/i,
        );
      }
    });

    it("is accepted by the app's config parser, which then authenticates with the identity", () => {
      const config = loadConfig(settings);
      expect(config.storage.kind).toBe('identity');
      expect(config.cosmos.key).toBeUndefined();
      expect(config.vision.keys).toEqual([]);
      expect(config.analyzer).toBe('azure');
      expect(config.vision.endpoints.length).toBe('secondaryLocation' in parameters ? 2 : 1);
      expect(settings.AZURE_CLIENT_ID).toBe(settings.AzureWebJobsStorage__clientId);
      expect(settings.AzureWebJobsStorage__credential).toBe('managedidentity');
      expect(settings.APPLICATIONINSIGHTS_AUTHENTICATION_STRING).toBe(
        `ClientId=${settings.AZURE_CLIENT_ID};Authorization=AAD`,
      );
    });
  });

  it('points the Durable extension at the Durable Task Scheduler only when it is chosen', () => {
    const provider = 'AzureFunctionsJobHost__extensions__durableTask__storageProvider__type';
    const storage = appSettingsFor();
    const scheduler = appSettingsFor({ durableBackend: 'DurableTaskScheduler' });
    expect(storage).not.toHaveProperty(provider);
    expect(storage).not.toHaveProperty('DURABLE_TASK_SCHEDULER_CONNECTION_STRING');
    expect(scheduler[provider]).toBe('azureManaged');
    const connectionName =
      scheduler[
        'AzureFunctionsJobHost__extensions__durableTask__storageProvider__connectionStringName'
      ]!;
    expect(scheduler[connectionName]).toMatch(
      /^Endpoint=https:\/\/\S+;Authentication=ManagedIdentity;ClientID=\S+$/,
    );
    expect(scheduler[connectionName]).toContain(`ClientID=${scheduler.AZURE_CLIENT_ID}`);
  });

  it('passes template parameters through to the settings the app reads', () => {
    const settings = appSettingsFor({
      historyRetentionDays: 7,
      stallMinutes: 25,
      variantFormat: 'avif',
      analyzer: 'local',
      visionCallsPerMinute: 120,
    });
    expect(settings).toMatchObject({
      HISTORY_RETENTION_DAYS: '7',
      STALL_MINUTES: '25',
      VARIANT_FORMAT: 'avif',
      ANALYZER: 'local',
      VISION_CALLS_PER_MINUTE: '120',
    });
    expect(loadConfig(settings).variantFormat).toBe('avif');
  });
});

/**
 * The function metadata the app registers, loaded as the Functions worker loads it (devhost's
 * `@azure/functions-core` registry) with the app settings the template sets, is valid for the
 * real Functions host: unique names, routes clear of the host's own /admin and /runtime paths,
 * binding types the extension bundle provides, connections that exist in the app settings, and
 * the blob trigger on the Event Grid source (the only one Flex Consumption supports) wired to
 * what the template and the postdeploy hook create. Facts about the host are in docs/deploy.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import { globalRegistry, type RegisteredFunction } from '../../devhost/host/functions-core';
import { appSettingsFor, BASE_PARAMETERS } from './support/app-settings';
import { compiledTemplate, resourcesOf, ROOT } from './support/compiled-template';
import { TemplateScope } from './support/arm-evaluator';

/** Binding types of the Functions host and the extension bundle v4 (HTTP, Blob, Timer, Durable). */
const KNOWN_BINDINGS = new Set([
  'httpTrigger',
  'http',
  'blobTrigger',
  'blob',
  'timerTrigger',
  'orchestrationTrigger',
  'activityTrigger',
  'entityTrigger',
  'durableClient',
]);

let functions: RegisteredFunction[];
const settings = appSettingsFor();

beforeAll(() => {
  const saved = { ...process.env };
  Object.assign(process.env, settings);
  try {
    jest.isolateModules(() => {
      // The entry point registers on import, with the settings in process.env at that moment.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('../../src/index');
    });
  } finally {
    for (const key of Object.keys(settings)) delete process.env[key];
    Object.assign(process.env, saved);
  }
  functions = [...globalRegistry().functions.values()];
});

afterAll(async () => {
  // The app's appTerminate hook closes the OCR worker it may have started.
  for (const hook of globalRegistry().hooks.appTerminate) await hook({});
});

const bindingsOf = (f: RegisteredFunction) => Object.values(f.bindings);

describe('App: function metadata for the Functions host', () => {
  it('registers the app with the settings the template sets', () => {
    expect(functions.length).toBeGreaterThan(20);
    expect(functions.map((f) => f.name)).toEqual(
      expect.arrayContaining([
        'uploadImage',
        'onImageUploaded',
        'processImage',
        'visionGate',
        'callVision',
      ]),
    );
  });

  it('has unique function names, valid for the host (case-insensitive)', () => {
    const names = functions.map((f) => f.name.toLowerCase());
    expect(new Set(names).size).toBe(names.length);
    for (const f of functions) expect(f.name).toMatch(/^[A-Za-z][A-Za-z0-9_-]{0,127}$/);
  });

  it('keeps HTTP routes clear of /admin and /runtime and of each other', () => {
    const http = functions.filter((f) => f.trigger.type === 'httpTrigger');
    const seen = new Set<string>();
    for (const f of http) {
      const route = f.trigger.route!;
      expect(route).not.toMatch(/^\/?(admin|runtime)(\/|$)/i);
      expect(['anonymous', 'function', 'admin']).toContain(f.trigger.authLevel);
      for (const method of f.trigger.methods ?? []) {
        const key = `${method.toUpperCase()} ${route.replace(/\{[^}]+\}/g, '{}')}`;
        expect(seen.has(key)).toBe(false);
        seen.add(key);
      }
    }
    expect(http.length).toBeGreaterThan(10);
  });

  it('uses only binding types the host and the extension bundle provide', () => {
    for (const f of functions) {
      for (const binding of bindingsOf(f)) expect(KNOWN_BINDINGS).toContain(binding.type);
    }
  });

  it('names only connections the app settings define', () => {
    const withConnection = functions.flatMap(bindingsOf).filter((b) => b.connection !== undefined);
    expect(withConnection.length).toBeGreaterThan(0);
    for (const binding of withConnection) {
      const name = binding.connection!;
      const defined =
        name in settings || Object.keys(settings).some((key) => key.startsWith(`${name}__`));
      expect({ connection: name, defined }).toEqual({ connection: name, defined: true });
    }
  });

  it('runs the blob trigger from Event Grid, on a container the template creates, as the hook subscribes it', () => {
    const blobTriggers = functions.filter((f) => f.trigger.type === 'blobTrigger');
    expect(blobTriggers.map((f) => f.name)).toEqual(['onImageUploaded']);
    const trigger = blobTriggers[0]!.trigger;
    expect(trigger.source).toBe('EventGrid');
    const container = trigger.path!.split('/')[0]!;

    const main = TemplateScope.main(compiledTemplate(), BASE_PARAMETERS);
    const storage = main.module('storage');
    expect(storage.parameter('containers')).toEqual(expect.arrayContaining([container]));
    expect(main.output('IMAGES_INCOMING_CONTAINER')).toBe(container);
    const topic = resourcesOf(main.module('event-grid').template).find(
      (r) => r.type === 'Microsoft.EventGrid/systemTopics',
    )!;
    expect(main.module('event-grid').value(topic.properties)).toMatchObject({
      topicType: 'Microsoft.Storage.StorageAccounts',
    });

    for (const hook of ['infra/hooks/postdeploy.sh', 'infra/hooks/postdeploy.ps1']) {
      const text = fs.readFileSync(path.join(ROOT, hook), 'utf8');
      expect(text).toMatch(
        /functionName=Host\.Functions\.\$\{?functionName\}?|Host\.Functions\.\$function_name/,
      );
      expect(text).toMatch(
        new RegExp(
          `functionName = '${blobTriggers[0]!.name}'|function_name="${blobTriggers[0]!.name}"`,
        ),
      );
      expect(text).toContain('/runtime/webhooks/blobs');
      expect(text).toContain('Microsoft.Storage.BlobCreated');
      expect(text).toContain('/blobServices/default/containers/$container/');
    }
  });

  it('gives timer triggers a schedule the host accepts', () => {
    const timers = functions.filter((f) => f.trigger.type === 'timerTrigger');
    expect(timers.length).toBeGreaterThan(0);
    for (const f of timers) {
      const schedule = String(f.trigger.schedule);
      expect(
        schedule.split(/\s+/).length === 6 || /^(\d+\.)?\d{1,2}:\d{2}:\d{2}$/.test(schedule),
      ).toBe(true);
    }
  });
});

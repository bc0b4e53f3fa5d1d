#!/usr/bin/env node
/**
 * Entry of the Vision emulator, standalone (`npm run vision-emulator -- --quota 5`) or as a
 * child process of devhost's supervisor (`npm start` with DEVHOST_VISION=1). Prints where each
 * endpoint is and with which key, then serves until SIGINT or SIGTERM.
 */
import type { ConfigPatch } from './endpoint-config';
import { parseEmulatorOptions, USAGE, UsageError } from './options';
import { startVisionEmulator } from './server';

function describeFaults(config: ConfigPatch): string {
  const parts = FAULT_FIELDS.filter((field) => (config[field] ?? 0) > 0).map(
    (field) => `${field}=${String(config[field])}`,
  );
  return parts.length > 0 ? parts.join(', ') : 'none';
}

const FAULT_FIELDS = [
  'rate429',
  'rate500',
  'rate503',
  'timeoutRate',
  'resetRate',
  'latencyMs',
  'jitterMs',
] as const;

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseEmulatorOptions(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`vision emulator: ${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
  if (parsed.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let emulator;
  try {
    emulator = await startVisionEmulator(parsed.options);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    process.stderr.write(
      `vision emulator: port ${parsed.options.port} is already in use; pass --port (0 picks a free one)\n`,
    );
    return 1;
  }
  const config = parsed.options.config ?? {};
  const quota = config.quotaPerMinute ?? 20;
  const window = config.windowSeconds ?? 60;
  const lines = [
    `Azure AI Vision emulator (Image Analysis 4.0) on ${emulator.url}`,
    ...emulator.endpoints.map(
      (endpoint) =>
        `  ${endpoint.name.padEnd(12)} ${endpoint.url}  key ${endpoint.keys.join(', ')}`,
    ),
    `  Admin        ${emulator.adminUrl}`,
    `  Quota        ${quota > 0 ? `${quota} calls per ${window} s per key` : 'none'}; faults: ${describeFaults(config)}`,
    'For the app:',
    `  VISION_ENDPOINTS=${emulator.endpoints.map((e) => e.url).join(',')}`,
    `  VISION_KEYS=${emulator.endpoints.map((e) => e.keys[0] ?? '').join(',')}`,
    'Press Ctrl-C to stop.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await emulator.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `vision emulator: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);

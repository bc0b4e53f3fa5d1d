#!/usr/bin/env node
/**
 * devhost command line.
 *   node dist/devhost/cli.js start    run the local stack (what `npm start` does)
 *   node dist/devhost/cli.js start --vision    the same, plus the Azure AI Vision emulator
 */
import { readSupervisorConfig } from './supervisor/config';
import { runSupervisor } from './supervisor/supervisor';

const USAGE = `Usage: devhost start [--vision]

Starts Azurite, the Cosmos emulator and the Functions host for the app in the current directory.
With --vision (or DEVHOST_VISION=1) it also starts the Azure AI Vision emulator and points the
app at it (VISION_ENDPOINTS, VISION_KEYS), unless VISION_ENDPOINTS is set.

Environment:
  DEVHOST_DIR           state directory (default .devhost)
  DEVHOST_PORT, PORT    Functions host port (default 7071)
  DEVHOST_BLOB_PORT, DEVHOST_QUEUE_PORT, DEVHOST_TABLE_PORT   Azurite ports (10000-10002)
  DEVHOST_COSMOS_PORT   Cosmos emulator port (default 8081)
  FUNCTIONS_KEY         function key (default: generated once, kept in <DEVHOST_DIR>/keys.json)
  AzureWebJobsStorage   use this storage instead of starting Azurite
  COSMOS_ENDPOINT, COSMOS_KEY   use this Cosmos account instead of starting the emulator
  DEVHOST_HOST_ENTRY    host script to run (default dist/devhost/host/main.js)
  DEVHOST_VISION        1: start the Vision emulator (same as --vision)
  DEVHOST_VISION_PORT   Vision emulator port (default 7080)
  VISION_EMULATOR_*     the Vision emulator's options (npm run vision-emulator -- --help)`;

async function main(argv: readonly string[]): Promise<number> {
  const command = argv[0] ?? 'start';
  if (command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command !== 'start') {
    process.stderr.write(`devhost: unknown command "${command}"\n\n${USAGE}\n`);
    return 2;
  }
  for (const flag of argv.slice(1)) {
    if (flag !== '--vision') {
      process.stderr.write(`devhost: unknown option "${flag}"\n\n${USAGE}\n`);
      return 2;
    }
    // The supervisor and every child read the choice from the environment.
    process.env.DEVHOST_VISION = '1';
  }
  let config;
  try {
    config = readSupervisorConfig(process.env, process.cwd());
  } catch (error) {
    process.stderr.write(`devhost: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  return runSupervisor(config, process.env);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Give pending output a moment to flush, but never hang on a stray handle.
    setTimeout(() => process.exit(code), 2000).unref();
  },
  (error: unknown) => {
    process.stderr.write(
      `devhost: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);

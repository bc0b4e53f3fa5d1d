/**
 * Child-process entry of the durable Cosmos emulator:
 *   node cosmos-server.js --port <public port> --state-dir <dir>
 * Data lives in <dir>/cosmos/journal.ndjson. The public port opens once the data is restored.
 */
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { startDurableCosmos } from './durable-cosmos';

function argument(name: string): string {
  const index = process.argv.indexOf(name);
  const value = index >= 0 ? process.argv[index + 1] : undefined;
  if (value === undefined) throw new Error(`missing ${name}`);
  return value;
}

const log = (line: string): void => {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
};

async function main(): Promise<void> {
  const port = Number(argument('--port'));
  const directory = path.join(path.resolve(argument('--state-dir')), 'cosmos');
  mkdirSync(directory, { recursive: true });
  const cosmos = await startDurableCosmos({
    port,
    journalFile: path.join(directory, 'journal.ndjson'),
    log,
  });
  log(`Cosmos emulator ready at http://127.0.0.1:${cosmos.port}`);

  const shutdown = (): void => {
    // Journal writes are synchronous: nothing acknowledged is waiting to be written.
    void cosmos.close().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  log(
    `failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  process.exit(1);
});

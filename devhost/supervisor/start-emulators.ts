import { startAzurite, type RunningAzurite } from '../emulators/azurite';
import { startCosmos, type RunningCosmos } from '../emulators/cosmos';
import type { SupervisorConfig } from './config';
import { Keeper } from './keeper';

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/**
 * Starts Azurite and the Cosmos emulator side by side (each under a Keeper that restarts it),
 * unless the environment points at the user's own. If one fails, the other's start is
 * aborted too; every keeper is added to `started` so the caller can stop it.
 */
export async function startEmulators(
  config: SupervisorConfig,
  stopSignal: AbortSignal,
  log: (line: string) => void,
  started: { stop(): Promise<void> }[],
): Promise<[RunningAzurite | undefined, RunningCosmos | undefined]> {
  const { stateDir, storage, cosmos } = config;
  const startup = new AbortController();
  stopSignal.addEventListener('abort', () => startup.abort());
  const { signal } = startup;

  const azuriteKeeper =
    storage.kind === 'azurite'
      ? new Keeper<RunningAzurite>({
          name: 'Azurite',
          launch: () => startAzurite({ ...storage, stateDir, signal }),
          log,
        })
      : undefined;
  const cosmosKeeper =
    cosmos.kind === 'emulator'
      ? new Keeper<RunningCosmos>({
          name: 'Cosmos emulator',
          launch: () => startCosmos({ port: cosmos.port, stateDir, signal }),
          log,
        })
      : undefined;
  if (azuriteKeeper) started.push(azuriteKeeper);
  if (cosmosKeeper) started.push(cosmosKeeper);

  const abortOthersOnFailure = <T>(start: Promise<T> | undefined): Promise<T | undefined> =>
    Promise.resolve(start).catch((error: unknown) => {
      startup.abort();
      throw error;
    });
  const [azurite, cosmosEmulator] = await Promise.allSettled([
    abortOthersOnFailure(azuriteKeeper?.start()),
    abortOthersOnFailure(cosmosKeeper?.start()),
  ]);
  // Report the failure that caused the abort, not the "start aborted" it caused in the other.
  const failures = [azurite, cosmosEmulator].filter((result) => result.status === 'rejected');
  const cause = failures.find((result) => !/start aborted/.test(messageOf(result.reason)));
  if (failures.length > 0) throw (cause ?? failures[0])?.reason;
  return [
    azurite.status === 'fulfilled' ? azurite.value : undefined,
    cosmosEmulator.status === 'fulfilled' ? cosmosEmulator.value : undefined,
  ];
}

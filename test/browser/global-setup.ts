/**
 * One devhost stack for every browser test (Azurite, the Cosmos emulator, the host and the
 * Vision emulator, so the gate page has a gate and images get captions), on free ports in a
 * temporary state directory, exactly as `npm start` runs it. Workers read where it is from the
 * environment; the returned function stops it.
 */
import { startStack } from '../../devhost/testing/stack';

export default async function globalSetup(): Promise<() => Promise<void>> {
  const stack = await startStack({
    readyTimeoutMs: 120_000,
    vision: { quotaPerMinute: 0 },
    env: { ANALYZER: 'azure', VISION_CALLS_PER_MINUTE: '600' },
  });
  process.env.WEB_BASE_URL = stack.baseUrl;
  process.env.WEB_FUNCTIONS_KEY = stack.functionsKey;
  return () => stack.stop();
}

/**
 * Starts one devhost stack (Azurite, the Cosmos emulator, the host) on free ports for every
 * integration test file, exactly as `npm start` runs it, and tells the test workers where it is.
 */
import { startStack, type Stack } from '../../devhost/testing/stack';

export default async function globalSetup(): Promise<void> {
  const stack = await startStack({ readyTimeoutMs: 120_000 });
  (globalThis as { __stack?: Stack }).__stack = stack;
  process.env.TEST_BASE_URL = stack.baseUrl;
  process.env.TEST_FUNCTIONS_KEY = stack.functionsKey;
  process.env.TEST_STATE_DIR = stack.stateDir;
  process.env.TEST_STORAGE = stack.storageConnectionString;
  process.env.TEST_COSMOS_ENDPOINT = stack.cosmosEndpoint;
  process.env.TEST_COSMOS_KEY = stack.cosmosKey;
}

import type { Stack } from '../../devhost/testing/stack';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __stack?: Stack }).__stack?.stop();
}

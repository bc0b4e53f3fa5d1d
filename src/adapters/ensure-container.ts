/**
 * Creates blob containers on first use, once per process per container, so a fresh storage
 * account needs no setup step. A failed attempt is forgotten so the next call tries again.
 */
import type { BlobServiceClient } from '@azure/storage-blob';

export function containerInitializer(service: BlobServiceClient): (name: string) => Promise<void> {
  const ready = new Map<string, Promise<void>>();
  return (name) => {
    let pending = ready.get(name);
    if (pending === undefined) {
      pending = service
        .getContainerClient(name)
        .createIfNotExists()
        .then(() => undefined)
        .catch((error: unknown) => {
          ready.delete(name);
          throw error;
        });
      ready.set(name, pending);
    }
    return pending;
  };
}

/**
 * The SDK reports an entity operation's error as `JSON.stringify(error)`, which is `"{}"` for an
 * Error, so the calling orchestrator sees `Error("[object Object]")` (durable-js #642). While an
 * entity batch runs, Error objects serialize as their message instead, so the caller's error
 * carries the entity's message. Outside entity invocations nothing changes: the property is
 * absent, and JSON.stringify behaves as usual.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const inEntityBatch = new AsyncLocalStorage<true>();
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  Object.defineProperty(Error.prototype, 'toJSON', {
    configurable: true,
    enumerable: false,
    get(this: Error) {
      if (!inEntityBatch.getStore()) return undefined;
      const message = this.message;
      return () => message;
    },
  });
}

export function runWithReadableEntityErrors<T>(work: () => Promise<T>): Promise<T> {
  install();
  return inEntityBatch.run(true, work);
}

/**
 * Restores the emulator's own properties (_rid, _self, _etag, _ts) during replay, so that a
 * restart changes nothing a client can observe: ETags held by clients still match, _ts keeps
 * its value, and unordered queries and continuation tokens (both ordered by _rid) behave as
 * before. The emulator's REST API cannot set these, so this wraps two methods of its item
 * store, only ever in the emulator's own child process. If the emulator's internals ever
 * change shape, the hook stays off and replay still restores all data, with fresh system
 * properties.
 */
import Items from '@vercel/cosmosdb-server/lib/account/items';

export interface SystemProperties {
  _rid?: string;
  _self?: string;
  _etag?: string;
  _ts?: number;
}

export const SYSTEM_PROPERTY_NAMES = ['_rid', '_self', '_etag', '_ts'] as const;

/** The part of the emulator's item store the hook relies on. */
interface ItemStore {
  _data: Map<string, unknown>;
  _ridCount: number;
  _rid(count: number): string;
  create(data: Record<string, unknown>): unknown;
  _set(data: Record<string, unknown>): unknown;
}

let pending: { id: unknown; properties: SystemProperties } | undefined;
let installed: boolean | undefined;

export function systemPropertiesOf(resource: unknown): SystemProperties | undefined {
  if (resource === null || typeof resource !== 'object') return undefined;
  const record = resource as Record<string, unknown>;
  const properties: SystemProperties = {};
  if (typeof record._rid === 'string') properties._rid = record._rid;
  if (typeof record._self === 'string') properties._self = record._self;
  if (typeof record._etag === 'string') properties._etag = record._etag;
  if (typeof record._ts === 'number') properties._ts = record._ts;
  return Object.keys(properties).length > 0 ? properties : undefined;
}

/** Installs the hook once; answers whether system properties can be restored. */
export function installSystemPropertyRestore(): boolean {
  if (installed !== undefined) return installed;
  const store = Items.prototype as unknown as Partial<ItemStore>;
  const originalSet = store._set;
  const originalCreate = store.create;
  if (
    typeof originalSet !== 'function' ||
    typeof originalCreate !== 'function' ||
    typeof store._rid !== 'function'
  ) {
    installed = false;
    return installed;
  }

  // Every stored item passes through _set with its final properties: overwrite them there.
  store._set = function setWithRestoredProperties(this: ItemStore, data: Record<string, unknown>) {
    if (pending !== undefined && pending.id === data.id) {
      Object.assign(data, pending.properties);
      pending = undefined;
    }
    return originalSet.call(this, data);
  };
  // Restored _rids are not drawn from the counter; never hand one out twice.
  store.create = function createWithFreeRid(this: ItemStore, data: Record<string, unknown>) {
    while (this._data.has(this._rid(this._ridCount + 1))) this._ridCount += 1;
    return originalCreate.call(this, data);
  };
  installed = true;
  return installed;
}

/** Runs `work` (one replayed request) so the item it stores gets `properties`. */
export async function withSystemProperties<T>(
  id: unknown,
  properties: SystemProperties | undefined,
  work: () => Promise<T>,
): Promise<T> {
  if (!installed || properties === undefined || id === undefined) return work();
  pending = { id, properties };
  try {
    return await work();
  } finally {
    pending = undefined;
  }
}

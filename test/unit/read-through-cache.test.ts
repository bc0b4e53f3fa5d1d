import { ByteBudgetCache } from '../../src/adapters/read-through-cache';
import type { StoredBlob } from '../../src/ports/blob-store';

function blob(bytes: number, etag = 'e'): StoredBlob {
  return {
    etag,
    contentType: 'image/jpeg',
    contentLength: bytes,
    metadata: {},
    data: Buffer.alloc(bytes),
  };
}

describe('ByteBudgetCache', () => {
  it('drops the least recently used entries beyond its byte budget', () => {
    const cache = new ByteBudgetCache(300);
    cache.set('a', blob(100));
    cache.set('b', blob(100));
    cache.set('c', blob(100));
    expect(cache.get('a')).toBeDefined(); // a is now the most recent
    cache.set('d', blob(100));
    expect(cache.get('b')).toBeUndefined();
    expect(['a', 'c', 'd'].map((k) => cache.get(k) !== undefined)).toEqual([true, true, true]);
    expect(cache.size).toBe(300);
  });

  it('never holds a blob larger than its whole budget', () => {
    const cache = new ByteBudgetCache(100);
    cache.set('big', blob(101));
    expect(cache.get('big')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('forgets entries left unread for longer than the idle limit, however much room is left', () => {
    let now = 0;
    const cache = new ByteBudgetCache(1_000_000, 20_000, () => now);
    cache.set('old', blob(100));
    cache.set('used', blob(100));
    now = 15_000;
    expect(cache.get('used')).toBeDefined();
    now = 25_000;
    // 'old' was last read 25 s ago, 'used' 10 s ago.
    expect(cache.get('old')).toBeUndefined();
    expect(cache.get('used')).toBeDefined();
    expect(cache.size).toBe(100);
    now = 100_000;
    cache.set('new', blob(50));
    expect(cache.size).toBe(50);
  });

  it('replaces an entry stored again under the same key without counting it twice', () => {
    const cache = new ByteBudgetCache(1000);
    cache.set('a', blob(100, 'v1'));
    cache.set('a', blob(200, 'v2'));
    expect(cache.get('a')?.etag).toBe('v2');
    expect(cache.size).toBe(200);
  });
});

/**
 * Image ids and orchestration instance ids.
 *
 * An image id is 26 characters of lower-case Crockford base32: 10 for the millisecond timestamp,
 * 16 for 80 random bits. It is URL-safe, opaque to clients, and sorts by creation time, which keeps
 * blob listings and logs in upload order.
 */
import { createHash } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const TIME_CHARS = 10;
const RANDOM_BYTES = 10;

/** Ids the API hands out, plus any other blob name that is safe in a URL path and an instance id. */
const SAFE_NAME_PATTERN = /^[A-Za-z0-9_-]{1,80}$/;

export function isImageId(value: string): boolean {
  return SAFE_NAME_PATTERN.test(value);
}

export function newImageId(nowMs: number, random: Uint8Array): string {
  if (!Number.isSafeInteger(nowMs) || nowMs < 0) throw new RangeError('nowMs must be a timestamp');
  if (random.length < RANDOM_BYTES) throw new RangeError(`random needs ${RANDOM_BYTES} bytes`);
  let time = '';
  let rest = nowMs;
  for (let i = 0; i < TIME_CHARS; i += 1) {
    time = ALPHABET.charAt(rest % 32) + time;
    rest = Math.floor(rest / 32);
  }
  let bits = 0n;
  for (let i = 0; i < RANDOM_BYTES; i += 1) bits = (bits << 8n) | BigInt(random[i] ?? 0);
  let tail = '';
  for (let i = 0; i < 16; i += 1) {
    tail = ALPHABET.charAt(Number(bits & 31n)) + tail;
    bits >>= 5n;
  }
  return time + tail;
}

/**
 * ETags come quoted from the Blob SDK (`"0x8DC..."`) and may come unquoted or weak from trigger
 * metadata; both sides must hash the same text.
 */
export function normalizeEtag(etag: string): string {
  return etag
    .trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1');
}

/**
 * The orchestration instance id for one version of one blob. Upload and blob trigger compute it
 * independently, so a duplicate BlobCreated event maps to the same instance and never starts a
 * second run, while a new upload under the same name (new ETag) gets a new run.
 */
export function instanceIdFor(blobName: string, etag: string): string {
  const etagHash = createHash('sha256').update(normalizeEtag(etag)).digest('hex').slice(0, 12);
  const name = isImageId(blobName)
    ? blobName
    : createHash('sha256').update(blobName).digest('hex').slice(0, 24);
  return `img-${name}-${etagHash}`;
}

/** What integration tests need to talk to the running stack the way a user would. */
import { CosmosClient } from '@azure/cosmos';
import sharp from 'sharp';

export interface Target {
  baseUrl: string;
  key: string;
}

export function sharedStack(): Target & {
  cosmosEndpoint: string;
  cosmosKey: string;
  stateDir: string;
} {
  const baseUrl = process.env.TEST_BASE_URL;
  if (!baseUrl) throw new Error('The integration global setup did not start a stack.');
  return {
    baseUrl,
    key: process.env.TEST_FUNCTIONS_KEY ?? '',
    cosmosEndpoint: process.env.TEST_COSMOS_ENDPOINT ?? '',
    cosmosKey: process.env.TEST_COSMOS_KEY ?? '',
    stateDir: process.env.TEST_STATE_DIR ?? '',
  };
}

export interface ImageRecord {
  id: string;
  status: string;
  source?: {
    width: number;
    height: number;
    format: string;
    bytes: number;
    sha256: string;
    filename?: string;
  };
  variants: {
    name: string;
    width: number;
    height: number;
    format: string;
    contentType: string;
    bytes: number;
    url: string;
  }[];
  analysis?: {
    status: string;
    provider: string;
    text?: string;
    colors?: unknown[];
    blurhash?: string;
    phash?: string;
    tags?: { name: string; confidence: number }[];
    faces?: { box: { x: number; y: number; width: number; height: number } }[];
    moderation?: { flagged: boolean };
  };
  steps?: { name: string; status: string }[];
  error?: { code: string; message: string };
  orchestration?: { instanceId: string; runtimeStatus: string };
}

export async function upload(
  t: Target,
  body: Buffer | string,
  contentType: string,
  query = '',
): Promise<Response> {
  return fetch(`${t.baseUrl}/api/images${query}`, {
    method: 'POST',
    body,
    headers: { 'content-type': contentType },
  });
}

export async function uploadOk(
  t: Target,
  body: Buffer,
  contentType = 'image/jpeg',
): Promise<string> {
  const res = await upload(t, body, contentType);
  const json = (await res.json()) as { id: string };
  if (res.status !== 202) throw new Error(`Upload answered ${res.status}: ${JSON.stringify(json)}`);
  return json.id;
}

export async function getRecord(
  t: Target,
  id: string,
): Promise<{ status: number; body: ImageRecord }> {
  const res = await fetch(`${t.baseUrl}/api/images/${id}`);
  return { status: res.status, body: (await res.json()) as ImageRecord };
}

const FINISHED = new Set(['Completed', 'CompletedWithWarnings', 'Failed']);

/** Polls like a client: returns the record once finished, with every status seen on the way. */
export async function waitFinished(
  t: Target,
  id: string,
  timeoutMs = 90_000,
): Promise<{ record: ImageRecord; seen: string[] }> {
  const seen: string[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, body } = await getRecord(t, id);
    if (status !== 200)
      throw new Error(`GET /api/images/${id} answered ${status}: ${JSON.stringify(body)}`);
    if (seen[seen.length - 1] !== body.status) seen.push(body.status);
    if (FINISHED.has(body.status)) return { record: body, seen };
    if (Date.now() > deadline)
      throw new Error(`Image ${id} still ${body.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

export function cosmosContainer(endpoint: string, key: string) {
  const client = new CosmosClient({ endpoint, key });
  return client
    .database(process.env.COSMOS_DATABASE ?? 'images')
    .container(process.env.COSMOS_CONTAINER ?? 'records');
}

/** A photo as a phone takes it: landscape pixels, EXIF says "rotate 90°", with GPS coordinates. */
export async function phonePhoto(width = 2400, height = 1600): Promise<Buffer> {
  const stripes = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      stripes[i] = x < width / 2 ? 200 : 30;
      stripes[i + 1] = y < height / 2 ? 120 : 60;
      stripes[i + 2] = (x + y) % 255;
    }
  }
  return sharp(stripes, { raw: { width, height, channels: 3 } })
    .withMetadata({ orientation: 6 })
    .withExifMerge({
      IFD0: { Make: 'TestCam', Model: 'Pocket 1' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '52/1 31/1 0/1',
        GPSLongitudeRef: 'E',
        GPSLongitude: '13/1 24/1 0/1',
      },
    })
    .jpeg({ quality: 85 })
    .toBuffer();
}

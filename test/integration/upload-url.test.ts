/**
 * The two-step upload as a client does it: ask for an upload URL, PUT the bytes straight to blob
 * storage with it, then follow the image like any other. Also what the URL must not allow, and
 * that bytes which never passed through the app are still checked.
 */
import sharp from 'sharp';
import { getRecord, phonePhoto, sharedStack, waitFinished, type ImageRecord } from './client';

const stack = sharedStack();
const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

interface UploadUrl {
  id: string;
  uploadUrl: string;
  expiresOn: string;
  statusUrl: string;
}

function askForUrl(body: unknown): Promise<Response> {
  return fetch(`${stack.baseUrl}/api/images/upload-url`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function uploadUrlFor(contentLength: number, filename?: string): Promise<UploadUrl> {
  const res = await askForUrl({ contentType: 'image/jpeg', contentLength, filename });
  const body = (await res.json()) as UploadUrl;
  if (res.status !== 201) throw new Error(`upload-url answered ${res.status}`);
  return body;
}

function putBlob(url: string, bytes: Buffer, contentType = 'image/jpeg'): Promise<Response> {
  return fetch(url, {
    method: 'PUT',
    headers: { 'x-ms-blob-type': 'BlockBlob', 'content-type': contentType },
    body: bytes,
  });
}

async function expectError(res: Response, status: number, code: string): Promise<void> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(0);
}

describe('Upload URL: direct upload to blob storage', () => {
  let photo: Buffer;
  let grant: UploadUrl;
  let location: string | null;
  let before: { status: number; body: ImageRecord };
  let put: Response;
  let record: ImageRecord;

  beforeAll(async () => {
    // Prepare
    photo = await phonePhoto(1200, 800);
    const res = await askForUrl({
      contentType: 'image/jpeg',
      contentLength: photo.length,
      filename: 'direct.jpg',
    });
    expect(res.status).toBe(201);
    location = res.headers.get('location');
    grant = (await res.json()) as UploadUrl;
    before = await getRecord(stack, grant.id);

    // Act
    put = await putBlob(grant.uploadUrl, photo);
    ({ record } = await waitFinished(stack, grant.id));
  });

  it('hands out an id, a short-lived URL for that one blob and the status URL', () => {
    expect(grant.id).toMatch(/^[0-9a-z]{26}$/);
    expect(grant.statusUrl).toBe(`${stack.baseUrl}/api/images/${grant.id}`);
    expect(location).toBe(grant.statusUrl);
    const url = new URL(grant.uploadUrl);
    expect(url.pathname).toMatch(new RegExp(`/images-incoming/${grant.id}$`));
    expect(url.searchParams.get('sp')).toBe('cw');
    expect(url.searchParams.get('sr')).toBe('b');
    const lifetimeMs = Date.parse(grant.expiresOn) - Date.now();
    expect(lifetimeMs).toBeGreaterThan(5 * 60 * 1000);
    expect(lifetimeMs).toBeLessThanOrEqual(10 * 60 * 1000);
  });

  it('shows the image as Accepted before the bytes arrive', () => {
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({
      id: grant.id,
      status: 'Accepted',
      source: { filename: 'direct.jpg', contentType: 'image/jpeg' },
      orchestration: { instanceId: null },
    });
  });

  it('lets the client PUT the bytes, then processes them like any upload', async () => {
    expect(put.status).toBe(201);
    expect(record.status).toBe('Completed');
    expect(record.source).toMatchObject({
      filename: 'direct.jpg',
      format: 'jpeg',
      width: 800,
      height: 1200,
      bytes: photo.length,
    });
    expect(record.orchestration?.instanceId).toMatch(new RegExp(`^img-${grant.id}-`));
    expect(record.variants.map((v) => v.name).sort()).toEqual(['large', 'medium', 'thumb']);
    const res = await fetch(`${stack.baseUrl}/api/images/${grant.id}/variants/thumb`);
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBe(150);
  });

  it('cannot read the blob back', async () => {
    const res = await fetch(grant.uploadUrl);
    expect(res.status).toBe(403);
    expect(Buffer.from(await res.arrayBuffer()).includes(photo.subarray(0, 64))).toBe(false);
  });

  it('cannot write a blob of another name, in the same or another container', async () => {
    const url = new URL(grant.uploadUrl);
    const sibling = new URL(url);
    sibling.pathname = url.pathname.replace(grant.id, `${grant.id}x`);
    const elsewhere = new URL(url);
    elsewhere.pathname = url.pathname.replace('images-incoming', 'images-variants');
    for (const target of [sibling, elsewhere]) {
      const res = await putBlob(target.toString(), photo);
      expect(res.status).toBe(403);
    }
    const { status } = await getRecord(stack, `${grant.id}x`);
    expect(status).toBe(404);
  });

  it('cannot delete the blob', async () => {
    const res = await fetch(grant.uploadUrl, { method: 'DELETE' });
    expect(res.status).toBe(403);
  });
});

describe('Upload URL: bytes the app never saw are still checked', () => {
  it('fails a file that is not an image with UNSUPPORTED_FORMAT', async () => {
    // Prepare
    const text = Buffer.from('<html><body>not a picture</body></html>');
    const grant = await uploadUrlFor(text.length, 'page.jpg');

    // Act
    expect((await putBlob(grant.uploadUrl, text)).status).toBe(201);
    const { record } = await waitFinished(stack, grant.id);

    // Assess
    expect(record.status).toBe('Failed');
    expect(record.error?.code).toBe('UNSUPPORTED_FORMAT');
    expect(record.error?.message.length).toBeGreaterThan(0);
    expect(record.variants).toEqual([]);
    expect(record.source?.filename).toBe('page.jpg');
  });

  it('fails a file larger than MAX_UPLOAD_BYTES with PAYLOAD_TOO_LARGE', async () => {
    // Prepare: a JPEG start, then padding past the cap; the declared length was honest-looking.
    const big = Buffer.alloc(MAX_UPLOAD_BYTES + 1);
    (
      await sharp({ create: { width: 8, height: 8, channels: 3, background: '#123456' } })
        .jpeg()
        .toBuffer()
    ).copy(big);
    const grant = await uploadUrlFor(1000);

    // Act
    expect((await putBlob(grant.uploadUrl, big)).status).toBe(201);
    const { record } = await waitFinished(stack, grant.id);

    // Assess
    expect(record.status).toBe('Failed');
    expect(record.error?.code).toBe('PAYLOAD_TOO_LARGE');
    expect(record.error?.message).toContain(String(MAX_UPLOAD_BYTES));
  });
});

describe('Upload URL: refused requests', () => {
  it.each([
    ['invalid JSON', '{"contentType": "image/jpeg",'],
    ['a missing contentType', { contentLength: 100 }],
    ['a missing contentLength', { contentType: 'image/jpeg' }],
    ['a non-numeric contentLength', { contentType: 'image/jpeg', contentLength: 'lots' }],
    ['a JSON array', []],
  ])('answers 400 INVALID_REQUEST to %s', async (_label, body) => {
    await expectError(await askForUrl(body), 400, 'INVALID_REQUEST');
  });

  it('answers 413 PAYLOAD_TOO_LARGE to a length over MAX_UPLOAD_BYTES', async () => {
    await expectError(
      await askForUrl({ contentType: 'image/png', contentLength: MAX_UPLOAD_BYTES + 1 }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
  });

  it.each(['image/svg+xml', 'application/pdf', 'text/plain', 'image/heic'])(
    'answers 415 UNSUPPORTED_MEDIA_TYPE to %s',
    async (contentType) => {
      await expectError(
        await askForUrl({ contentType, contentLength: 100 }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
    },
  );
});

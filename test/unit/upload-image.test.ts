import { createUploadImage } from '../../src/triggers/upload-image';
import { instanceIdFor } from '../../src/domain/ids';
import { Containers } from '../../src/names';
import { header, request, testContext } from './support/context';
import { solidJpeg } from './support/images';
import { MemoryBlobStore, MemoryRecordStore } from './support/memory-stores';

const URL_BASE = 'http://127.0.0.1:7071/api/images';
const ID = '01hq3k9x2m4n5p6q7r8s9t0v1w';

function setup(maxUploadBytes = 1024 * 1024) {
  const blobs = new MemoryBlobStore();
  const records = new MemoryRecordStore();
  const handler = createUploadImage({
    blobs,
    records,
    maxUploadBytes,
    clock: () => new Date('2024-03-04T05:06:07.000Z'),
    newId: () => ID,
  });
  return { blobs, records, handler };
}

function multipart(parts: { name: string; filename?: string; type?: string; data: Buffer }[]) {
  const boundary = '----pipelineBoundary7MA4YWxkTrZu0gW';
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename === undefined ? '' : `; filename="${part.filename}"`}`;
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: ${disposition}\r\n` +
          (part.type === undefined ? '' : `Content-Type: ${part.type}\r\n`) +
          '\r\n',
      ),
      part.data,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

describe('Function: uploadImage', () => {
  it('accepts raw bytes: 202, Location, blob with metadata, Accepted record', async () => {
    // Prepare
    const { blobs, records, handler } = setup();
    const photo = await solidJpeg(64, 48);

    // Act
    const response = await handler(
      request({
        method: 'POST',
        url: `${URL_BASE}?filename=${encodeURIComponent('Été.jpg')}`,
        headers: { 'content-type': 'application/octet-stream' },
        body: { bytes: photo },
      }),
      testContext().context,
    );

    // Assess
    const statusUrl = `http://127.0.0.1:7071/api/images/${ID}`;
    expect(response.status).toBe(202);
    expect(response.jsonBody).toEqual({ id: ID, status: 'Accepted', statusUrl });
    expect(header(response, 'location')).toBe(statusUrl);
    const blob = blobs.blobs.get(`${Containers.incoming}/${ID}`)!;
    expect(blob.data.equals(photo)).toBe(true);
    expect(blob.contentType).toBe('image/jpeg');
    expect(blob.metadata).toEqual({ filename: encodeURIComponent('Été.jpg') });
    const record = await records.get(ID);
    expect(record).toMatchObject({
      id: ID,
      status: 'Accepted',
      createdAt: '2024-03-04T05:06:07.000Z',
      source: {
        filename: 'Été.jpg',
        contentType: 'image/jpeg',
        bytes: photo.length,
        format: 'jpeg',
      },
      orchestration: { instanceId: instanceIdFor(ID, blob.etag), runtimeStatus: 'Pending' },
    });
  });

  it('accepts multipart field "file" and keeps its file name', async () => {
    // Prepare
    const { blobs, records, handler } = setup();
    const photo = await solidJpeg(32, 32);
    const form = multipart([
      { name: 'note', data: Buffer.from('ignored') },
      { name: 'file', filename: 'C:\\fakepath\\cat.jpg', type: 'image/jpeg', data: photo },
    ]);

    // Act
    const response = await handler(
      request({
        method: 'POST',
        url: URL_BASE,
        headers: { 'content-type': form.contentType },
        body: { bytes: form.body },
      }),
      testContext().context,
    );

    // Assess
    expect(response.status).toBe(202);
    expect(blobs.blobs.get(`${Containers.incoming}/${ID}`)?.data.equals(photo)).toBe(true);
    expect((await records.get(ID))?.source.filename).toBe('cat.jpg');
  });

  it('decides by content, not by header: a PNG sent as image/jpeg is stored as PNG', async () => {
    // Prepare
    const { blobs, handler } = setup();
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

    // Act
    const response = await handler(
      request({
        method: 'POST',
        url: URL_BASE,
        headers: { 'content-type': 'image/jpeg' },
        body: { bytes: png },
      }),
      testContext().context,
    );

    // Assess
    expect(response.status).toBe(202);
    expect(blobs.blobs.get(`${Containers.incoming}/${ID}`)?.contentType).toBe('image/png');
  });

  it.each([
    ['plain text', 'text/plain', Buffer.from('hello world')],
    ['a PDF', 'application/pdf', Buffer.from('%PDF-1.7\n')],
    ['HTML', 'text/html', Buffer.from('<html><body>hi</body></html>')],
    ['an SVG', 'image/svg+xml', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')],
    [
      'an SVG claiming to be a JPEG',
      'image/jpeg',
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'),
    ],
  ])(
    'rejects %s with 415 UNSUPPORTED_MEDIA_TYPE and stores nothing',
    async (_label, type, bytes) => {
      // Prepare
      const { blobs, records, handler } = setup();

      // Act
      const response = await handler(
        request({
          method: 'POST',
          url: `${URL_BASE}?filename=photo.jpg`,
          headers: { 'content-type': type },
          body: { bytes },
        }),
        testContext().context,
      );

      // Assess
      expect(response.status).toBe(415);
      expect(response.jsonBody).toMatchObject({ error: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
      expect(blobs.blobs.size).toBe(0);
      expect(records.records.size).toBe(0);
    },
  );

  it('rejects an empty body with 400 EMPTY_BODY', async () => {
    // Prepare
    const { handler } = setup();

    // Act
    const responses = await Promise.all([
      handler(
        request({
          method: 'POST',
          url: URL_BASE,
          headers: { 'content-type': 'image/png' },
          body: { bytes: Buffer.alloc(0) },
        }),
        testContext().context,
      ),
      handler(request({ method: 'POST', url: URL_BASE }), testContext().context),
    ]);

    // Assess
    for (const response of responses) {
      expect(response.status).toBe(400);
      expect(response.jsonBody).toMatchObject({ error: { code: 'EMPTY_BODY' } });
    }
  });

  it('rejects a multipart body without a file field with 400 EMPTY_BODY', async () => {
    // Prepare
    const { handler } = setup();
    const form = multipart([{ name: 'other', data: Buffer.from('x') }]);

    // Act
    const response = await handler(
      request({
        method: 'POST',
        url: URL_BASE,
        headers: { 'content-type': form.contentType },
        body: { bytes: form.body },
      }),
      testContext().context,
    );

    // Assess
    expect(response.status).toBe(400);
    expect(response.jsonBody).toMatchObject({ error: { code: 'EMPTY_BODY' } });
  });

  it('rejects a declared Content-Length over the cap before reading', async () => {
    // Prepare
    const { blobs, handler } = setup(1000);
    const req = request({
      method: 'POST',
      url: URL_BASE,
      headers: { 'content-type': 'image/png', 'content-length': '5000' },
      body: { bytes: Buffer.alloc(5000) },
    });

    // Act
    const response = await handler(req, testContext().context);

    // Assess
    expect(response.status).toBe(413);
    expect(response.jsonBody).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(req.bodyUsed).toBe(false);
    expect(blobs.blobs.size).toBe(0);
  });

  it('counts the bytes while streaming when no length is declared', async () => {
    // Prepare
    const { blobs, handler } = setup(1000);
    const jpegStart = Buffer.from([0xff, 0xd8, 0xff, 0xe0]);

    // Act
    const response = await handler(
      request({
        method: 'POST',
        url: URL_BASE,
        headers: { 'content-type': 'image/jpeg' },
        body: { bytes: Buffer.concat([jpegStart, Buffer.alloc(1000)]) },
      }),
      testContext().context,
    );

    // Assess
    expect(response.status).toBe(413);
    expect(blobs.blobs.size).toBe(0);
  });

  it('applies the cap to a multipart file too', async () => {
    // Prepare
    const { handler } = setup(1000);
    const form = multipart([
      {
        name: 'file',
        filename: 'big.jpg',
        data: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(2000)]),
      },
    ]);

    // Act
    const response = await handler(
      request({
        method: 'POST',
        url: URL_BASE,
        headers: { 'content-type': form.contentType },
        body: { bytes: form.body },
      }),
      testContext().context,
    );

    // Assess
    expect(response.status).toBe(413);
    expect(response.jsonBody).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  it('accepts an image of exactly the cap', async () => {
    // Prepare
    const photo = await solidJpeg(16, 16);
    const { handler } = setup(photo.length);

    // Act
    const response = await handler(
      request({
        method: 'POST',
        url: URL_BASE,
        headers: { 'content-type': 'image/jpeg' },
        body: { bytes: photo },
      }),
      testContext().context,
    );

    // Assess
    expect(response.status).toBe(202);
  });

  it('rejects a malformed multipart body with 400 INVALID_BODY', async () => {
    // Prepare
    const { handler } = setup();

    // Act
    const response = await handler(
      request({
        method: 'POST',
        url: URL_BASE,
        headers: { 'content-type': 'multipart/form-data' },
        body: { bytes: Buffer.from('no boundary anywhere') },
      }),
      testContext().context,
    );

    // Assess
    expect(response.status).toBe(400);
    expect(response.jsonBody).toMatchObject({ error: { code: 'INVALID_BODY' } });
  });

  it('answers an opaque 500 when storage fails', async () => {
    // Prepare
    const { blobs, handler } = setup();
    blobs.put = () =>
      Promise.reject(new Error('getaddrinfo ENOTFOUND account.blob.core.windows.net'));
    const { context, logs } = testContext('uploadImage');

    // Act
    const response = await handler(
      request({
        method: 'POST',
        url: URL_BASE,
        headers: { 'content-type': 'image/jpeg' },
        body: { bytes: await solidJpeg(8, 8) },
      }),
      context,
    );

    // Assess
    expect(response.status).toBe(500);
    expect(response.jsonBody).toEqual({
      error: { code: 'INTERNAL', message: 'An unexpected error occurred' },
    });
    expect(logs.some((log) => log.message.includes('ENOTFOUND'))).toBe(true);
  });
});

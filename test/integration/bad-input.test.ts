/**
 * Bad input gets a clear JSON error with a stable code, or a Failed record that says why, and
 * disturbs nothing else: a good photo still completes afterwards.
 */
import zlib from 'node:zlib';
import sharp from 'sharp';
import { getRecord, sharedStack, upload, uploadOk, waitFinished } from './client';

const stack = sharedStack();

async function expectError(res: Response, status: number, code: string): Promise<void> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(0);
}

/** A valid PNG signature and header claiming 12000×12000, followed by almost nothing. */
function hugeHeaderPng(): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(12000, 0);
  ihdr.writeUInt32BE(12000, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const idat = zlib.deflateSync(Buffer.alloc(1000));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', idat),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('Bad input', () => {
  it('rejects an empty body with 400 EMPTY_BODY', async () => {
    await expectError(await upload(stack, Buffer.alloc(0), 'image/jpeg'), 400, 'EMPTY_BODY');
  });

  it('rejects a body over the cap with 413 PAYLOAD_TOO_LARGE', async () => {
    const big = Buffer.alloc(21 * 1024 * 1024, 0xff);
    big[0] = 0xff;
    big[1] = 0xd8;
    big[2] = 0xff;
    await expectError(await upload(stack, big, 'image/jpeg'), 413, 'PAYLOAD_TOO_LARGE');
  });

  it.each([
    ['plain text', 'hello, this is not an image', 'image/jpeg'],
    ['a PDF', '%PDF-1.7\n1 0 obj << >> endobj', 'application/pdf'],
    ['HTML', '<!doctype html><html><body>hi</body></html>', 'image/png'],
    [
      'SVG',
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>',
      'image/svg+xml',
    ],
  ])(
    'rejects %s with 415 UNSUPPORTED_MEDIA_TYPE, whatever the header says',
    async (_name, body, type) => {
      await expectError(
        await upload(stack, Buffer.from(body), type),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
    },
  );

  it('fails a truncated JPEG with CORRUPT_IMAGE', async () => {
    const jpeg = await sharp({
      create: { width: 800, height: 600, channels: 3, background: '#119944' },
    })
      .jpeg()
      .toBuffer();
    const { record } = await waitFinished(
      stack,
      await uploadOk(stack, jpeg.subarray(0, Math.floor(jpeg.length / 2))),
    );
    expect(record.status).toBe('Failed');
    expect(record.error?.code).toBe('CORRUPT_IMAGE');
  });

  it('fails a PNG whose header claims 12000×12000 with IMAGE_TOO_LARGE, without decoding it', async () => {
    const res = await upload(stack, hugeHeaderPng(), 'image/png');
    if (res.status === 202) {
      const { id } = (await res.json()) as { id: string };
      const { record } = await waitFinished(stack, id);
      expect(record.status).toBe('Failed');
      expect(record.error?.code).toBe('IMAGE_TOO_LARGE');
    } else {
      await expectError(res, 413, 'IMAGE_TOO_LARGE');
    }
  });

  it('answers 404 NOT_FOUND for an unknown id and an unknown variant', async () => {
    const { status, body } = await getRecord(stack, 'no-such-image');
    expect(status).toBe(404);
    expect((body as unknown as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    await expectError(
      await fetch(`${stack.baseUrl}/api/images/no-such-image/variants/thumb`),
      404,
      'NOT_FOUND',
    );
  });

  it.each(['?limit=0', '?limit=101', '?limit=abc', '?status=Sideways', '?continuationToken=%%%'])(
    'answers 400 INVALID_QUERY for %s',
    async (query) => {
      await expectError(await fetch(`${stack.baseUrl}/api/images${query}`), 400, 'INVALID_QUERY');
    },
  );

  it('still completes a good photo after all of the above', async () => {
    const jpeg = await sharp({
      create: { width: 640, height: 480, channels: 3, background: '#557799' },
    })
      .jpeg()
      .toBuffer();
    const { record } = await waitFinished(stack, await uploadOk(stack, jpeg));
    expect(record.status).toBe('Completed');
    expect(record.variants).toHaveLength(3);
  });
});

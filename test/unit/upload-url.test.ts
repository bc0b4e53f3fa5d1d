import { formatOfContentType } from '../../src/domain/pipeline/formats';
import { failedRecord } from '../../src/domain/pipeline/pipeline';
import { acceptedRecord, mergeForSave } from '../../src/domain/record';
import { createGetImage } from '../../src/triggers/get-image';
import { parseUploadUrlRequest } from '../../src/domain/pipeline/upload-request';
import { createUploadUrl } from '../../src/triggers/create-upload-url';
import type { UploadUrlRequest, UploadUrlSigner } from '../../src/ports/upload-url-signer';
import { header, jsonOf, request, testContext } from './support/context';
import { FakeOrchestrationClient } from './support/fake-orchestration-client';
import { MemoryRecordStore } from './support/memory-stores';

const MAX = 1024 * 1024;
const ID = '01hq3k9x2m4n5p6q7r8s9t0v1w';
const URL_BASE = 'http://127.0.0.1:7071/api/images/upload-url';

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('Function: formatOfContentType', () => {
  it.each([
    ['image/jpeg', 'jpeg'],
    ['IMAGE/PNG', 'png'],
    ['image/webp; q=1', 'webp'],
    [' image/gif ', 'gif'],
    ['image/avif', 'avif'],
    ['image/tiff', 'tiff'],
  ])('reads %s as %s', (mediaType, format) => {
    expect(formatOfContentType(mediaType)).toBe(format);
  });

  it.each(['image/svg+xml', 'image/heic', 'text/plain', 'application/octet-stream', 'image/', ''])(
    'refuses %s',
    (mediaType) => {
      expect(formatOfContentType(mediaType)).toBeUndefined();
    },
  );
});

describe('Function: parseUploadUrlRequest', () => {
  it('returns the canonical content type, the length and a sanitised file name', () => {
    // Act
    const parsed = parseUploadUrlRequest(
      { contentType: 'Image/JPEG', contentLength: 1234, filename: '../../etc/Été.jpg' },
      MAX,
    );

    // Assess
    expect(parsed).toEqual({
      contentType: 'image/jpeg',
      format: 'jpeg',
      contentLength: 1234,
      filename: 'Été.jpg',
    });
  });

  it('treats a missing or null file name as none', () => {
    expect(
      parseUploadUrlRequest({ contentType: 'image/png', contentLength: 1 }, MAX).filename,
    ).toBe(null);
    expect(
      parseUploadUrlRequest({ contentType: 'image/png', contentLength: 1, filename: null }, MAX)
        .filename,
    ).toBe(null);
  });

  it('accepts exactly the cap', () => {
    expect(
      parseUploadUrlRequest({ contentType: 'image/png', contentLength: MAX }, MAX),
    ).toMatchObject({ contentLength: MAX });
  });

  it.each([
    ['not an object', 'image/jpeg'],
    ['an array', []],
    ['null', null],
    ['no contentType', { contentLength: 10 }],
    ['an empty contentType', { contentType: ' ', contentLength: 10 }],
    ['a numeric contentType', { contentType: 5, contentLength: 10 }],
    ['no contentLength', { contentType: 'image/jpeg' }],
    ['a string contentLength', { contentType: 'image/jpeg', contentLength: '10' }],
    ['a zero contentLength', { contentType: 'image/jpeg', contentLength: 0 }],
    ['a negative contentLength', { contentType: 'image/jpeg', contentLength: -1 }],
    ['a fractional contentLength', { contentType: 'image/jpeg', contentLength: 1.5 }],
    ['a numeric filename', { contentType: 'image/jpeg', contentLength: 10, filename: 7 }],
  ])('refuses %s with INVALID_REQUEST', (_label, body) => {
    expect(codeOf(() => parseUploadUrlRequest(body, MAX))).toBe('INVALID_REQUEST');
  });

  it.each(['image/svg+xml', 'text/html', 'application/pdf', 'image/heic'])(
    'refuses %s with UNSUPPORTED_MEDIA_TYPE',
    (contentType) => {
      expect(codeOf(() => parseUploadUrlRequest({ contentType, contentLength: 10 }, MAX))).toBe(
        'UNSUPPORTED_MEDIA_TYPE',
      );
    },
  );

  it('refuses a length over the cap with PAYLOAD_TOO_LARGE', () => {
    expect(
      codeOf(() =>
        parseUploadUrlRequest({ contentType: 'image/png', contentLength: MAX + 1 }, MAX),
      ),
    ).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('Function: createUploadUrl', () => {
  function setup() {
    const records = new MemoryRecordStore();
    const signed: UploadUrlRequest[] = [];
    const signer: UploadUrlSigner = {
      signUpload(wanted) {
        signed.push(wanted);
        return Promise.resolve({
          url: `https://acct.blob.core.windows.net/${wanted.container}/${wanted.blobName}?sig=x`,
          expiresOn: wanted.expiresOn,
        });
      },
    };
    const handler = createUploadUrl({
      records,
      signer,
      maxUploadBytes: MAX,
      uploadUrlTtlSeconds: 600,
      clock: () => new Date('2024-03-04T05:06:07.890Z'),
      newId: () => ID,
    });
    const post = (body: string) =>
      handler(
        request({
          method: 'POST',
          url: URL_BASE,
          headers: { 'content-type': 'application/json' },
          body: { string: body },
        }),
        testContext().context,
      );
    return { records, signed, post };
  }

  it('answers 201 with the URL, its expiry and the status URL, and stores an Accepted record', async () => {
    // Prepare
    const { records, signed, post } = setup();

    // Act
    const response = await post(
      JSON.stringify({ contentType: 'image/png', contentLength: 5000, filename: 'cat.png' }),
    );

    // Assess
    const statusUrl = `http://127.0.0.1:7071/api/images/${ID}`;
    expect(response.status).toBe(201);
    expect(response.jsonBody).toEqual({
      id: ID,
      uploadUrl: `https://acct.blob.core.windows.net/images-incoming/${ID}?sig=x`,
      expiresOn: '2024-03-04T05:16:07.000Z',
      statusUrl,
    });
    expect(header(response, 'location')).toBe(statusUrl);
    expect(header(response, 'cache-control')).toBe('no-store');
    expect(signed).toEqual([
      {
        container: 'images-incoming',
        blobName: ID,
        expiresOn: new Date('2024-03-04T05:16:07.000Z'),
      },
    ]);
    expect(await records.get(ID)).toEqual({
      id: ID,
      status: 'Accepted',
      createdAt: '2024-03-04T05:06:07.890Z',
      updatedAt: '2024-03-04T05:06:07.890Z',
      source: {
        filename: 'cat.png',
        contentType: 'image/png',
        bytes: null,
        width: null,
        height: null,
        format: null,
        sha256: null,
      },
      variants: [],
      analysis: null,
      steps: [],
      exif: null,
      orchestration: { instanceId: null, runtimeStatus: 'Pending' },
    });
  });

  it.each([
    ['invalid JSON', '{"contentType":', 400, 'INVALID_REQUEST'],
    ['an empty body', '', 400, 'INVALID_REQUEST'],
    ['a missing contentLength', '{"contentType":"image/png"}', 400, 'INVALID_REQUEST'],
    ['an oversized JSON body', JSON.stringify({ pad: 'x'.repeat(20_000) }), 400, 'INVALID_REQUEST'],
    [
      'a length over the cap',
      JSON.stringify({ contentType: 'image/png', contentLength: MAX + 1 }),
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    [
      'a type outside the allow-list',
      JSON.stringify({ contentType: 'image/svg+xml', contentLength: 10 }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
  ])('answers %s with a JSON error and stores nothing', async (_label, body, status, code) => {
    // Prepare
    const { records, signed, post } = setup();

    // Act
    const response = await post(body);

    // Assess
    expect(response.status).toBe(status);
    expect(response.jsonBody).toEqual({ error: { code, message: expect.any(String) } });
    expect(records.records.size).toBe(0);
    expect(signed).toHaveLength(0);
  });
});

describe('Record: Accepted before the bytes arrive', () => {
  const pending = acceptedRecord({
    id: ID,
    now: new Date('2024-03-04T05:06:07.000Z'),
    filename: 'cat.png',
    format: null,
    contentType: 'image/png',
    bytes: null,
    sha256: null,
    instanceId: null,
  });

  it('is served as stored, without asking the task hub about a run that does not exist', async () => {
    // Prepare
    const records = new MemoryRecordStore();
    await records.insertIfAbsent(pending);
    const client = new FakeOrchestrationClient();
    const handler = createGetImage({ records, clientFor: () => client });

    // Act
    const response = await handler(
      request({ url: `http://localhost:7071/api/images/${ID}`, params: { id: ID } }),
      testContext().context,
    );

    // Assess
    expect(response.status).toBe(200);
    expect(jsonOf(response)).toEqual(pending);
    expect(header(response, 'retry-after')).toBe('2');
    expect(client.statusCalls).toBe(0);
  });

  it('is replaced by the run that fails the blob, keeping the requested file name', () => {
    // Prepare
    const failed = failedRecord(
      {
        input: {
          imageId: ID,
          blobName: ID,
          source: { filename: null, contentType: 'image/png' },
          variants: [],
          analyzer: 'local',
          maxInputPixels: 1000,
        },
        instanceId: `img-${ID}-0123456789ab`,
        startedAt: '2024-03-04T05:07:00.000Z',
        at: '2024-03-04T05:07:01.000Z',
        steps: [],
      },
      { code: 'UNSUPPORTED_FORMAT', message: 'not an image' },
    );

    // Act
    const merged = mergeForSave(pending, failed);

    // Assess
    expect(merged).toMatchObject({
      status: 'Failed',
      createdAt: '2024-03-04T05:06:07.000Z',
      source: { filename: 'cat.png', contentType: 'image/png', format: null },
      error: { code: 'UNSUPPORTED_FORMAT' },
      orchestration: { instanceId: `img-${ID}-0123456789ab` },
    });
  });
});

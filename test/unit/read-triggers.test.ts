import { acceptedRecord, type ImageRecord } from '../../src/domain/record';
import { Containers } from '../../src/names';
import { createGetHealth } from '../../src/triggers/get-health';
import { createGetImage } from '../../src/triggers/get-image';
import { createGetImageVariant } from '../../src/triggers/get-image-variant';
import { createListImages } from '../../src/triggers/list-images';
import { header, jsonOf, request, testContext } from './support/context';
import { FakeOrchestrationClient } from './support/fake-orchestration-client';
import { MemoryBlobStore, MemoryRecordStore } from './support/memory-stores';

const ID = '01hq3k9x2m4n5p6q7r8s9t0v1w';

interface Page {
  items: ImageRecord[];
  continuationToken: string | null;
}
const INSTANCE = `img-${ID}-0123456789ab`;

function accepted(id = ID, createdAt = '2024-01-01T00:00:00.000Z'): ImageRecord {
  return acceptedRecord({
    id,
    now: new Date(createdAt),
    filename: 'a.png',
    format: 'png',
    contentType: 'image/png',
    bytes: 10,
    sha256: 'a'.repeat(64),
    instanceId: id === ID ? INSTANCE : `img-${id}-0`,
  });
}

function completed(id = ID, createdAt = '2024-01-01T00:00:00.000Z'): ImageRecord {
  return {
    ...accepted(id, createdAt),
    status: 'Completed',
    variants: [
      {
        name: 'thumb',
        width: 150,
        height: 100,
        format: 'webp',
        contentType: 'image/webp',
        bytes: 4,
        url: `/api/images/${id}/variants/thumb`,
      },
    ],
    orchestration: { instanceId: INSTANCE, runtimeStatus: 'Completed' },
  };
}

describe('Function: getImage', () => {
  function setup() {
    const records = new MemoryRecordStore();
    const client = new FakeOrchestrationClient();
    const handler = createGetImage({ records, clientFor: () => client });
    const get = (headers: Record<string, string> = {}, id = ID) =>
      handler(
        request({ url: `http://localhost:7071/api/images/${id}`, params: { id }, headers }),
        testContext().context,
      );
    return { records, client, get };
  }

  it('answers 404 NOT_FOUND for an unknown or malformed id', async () => {
    // Prepare
    const { get } = setup();

    // Act
    const unknown = await get();
    const malformed = await get({}, '..%2F..');

    // Assess
    for (const response of [unknown, malformed]) {
      expect(response.status).toBe(404);
      expect(response.jsonBody).toMatchObject({ error: { code: 'NOT_FOUND' } });
    }
  });

  it('serves a finished record with an ETag and no Retry-After', async () => {
    // Prepare
    const { records, client, get } = setup();
    await records.upsert(completed());

    // Act
    const response = await get();

    // Assess
    expect(response.status).toBe(200);
    expect(jsonOf(response)).toEqual(completed());
    expect(header(response, 'etag')).toMatch(/^W\/".+"$/);
    expect(header(response, 'retry-after')).toBeUndefined();
    expect(client.statusCalls).toBe(0);
  });

  it('reports Processing with live steps while the run is going', async () => {
    // Prepare
    const { records, client, get } = setup();
    await records.upsert(accepted());
    const steps = [
      { name: 'inspect', status: 'Running', attempts: 1, startedAt: 't0', completedAt: null },
    ];
    client.instances.set(INSTANCE, {
      name: 'processImage',
      input: {},
      runtimeStatus: 'Running',
      customStatus: { steps },
      output: null,
    });

    // Act
    const response = await get();

    // Assess
    expect(response.status).toBe(200);
    expect(jsonOf(response)).toMatchObject({
      status: 'Processing',
      steps,
      orchestration: { instanceId: INSTANCE, runtimeStatus: 'Running' },
    });
    expect(header(response, 'retry-after')).toBe('2');
  });

  it('reports a run that failed without saving as Failed', async () => {
    // Prepare
    const { records, client, get } = setup();
    await records.upsert(accepted());
    client.instances.set(INSTANCE, {
      name: 'processImage',
      input: {},
      runtimeStatus: 'Failed',
      customStatus: null,
      output: 'saveRecord kept failing',
    });

    // Act
    const body = jsonOf(await get());

    // Assess
    expect(body.status).toBe('Failed');
    expect(body.error).toEqual({ code: 'PROCESSING_FAILED', message: 'saveRecord kept failing' });
  });

  it('serves the stored record when the task hub is unreachable', async () => {
    // Prepare
    const { records, client, get } = setup();
    await records.upsert(accepted());
    client.failStatus = true;

    // Act
    const response = await get();

    // Assess
    expect(response.status).toBe(200);
    expect(jsonOf(response).status).toBe('Accepted');
    expect(header(response, 'retry-after')).toBe('2');
  });

  it('answers 304 when If-None-Match carries the current ETag', async () => {
    // Prepare
    const { records, get } = setup();
    await records.upsert(completed());
    const etag = header(await get(), 'etag')!;

    // Act
    const unchanged = await get({ 'if-none-match': etag });
    const changed = await get({ 'if-none-match': 'W/"something-else"' });

    // Assess
    expect(unchanged.status).toBe(304);
    expect(unchanged.body).toBeUndefined();
    expect(header(unchanged, 'etag')).toBe(etag);
    expect(changed.status).toBe(200);
  });
});

describe('Function: listImages', () => {
  async function setup(count: number) {
    const records = new MemoryRecordStore();
    for (let i = 0; i < count; i += 1) {
      const id = `img${String(i).padStart(3, '0')}`;
      const at = new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString();
      await records.upsert(i % 2 === 0 ? completed(id, at) : accepted(id, at));
    }
    const handler = createListImages({ records });
    const list = (query: string) =>
      handler(request({ url: `http://localhost:7071/api/images?${query}` }), testContext().context);
    return { list };
  }

  it('lists newest first and pages with an opaque continuation token', async () => {
    // Prepare
    const { list } = await setup(5);

    // Act
    const first = jsonOf<Page>(await list('limit=2'));
    const second = jsonOf<Page>(await list(`limit=2&continuationToken=${first.continuationToken}`));
    const third = jsonOf<Page>(await list(`limit=2&continuationToken=${second.continuationToken}`));

    // Assess
    expect(first.items.map((item) => item.id)).toEqual(['img004', 'img003']);
    expect(first.continuationToken).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(second.items.map((item) => item.id)).toEqual(['img002', 'img001']);
    expect(third).toEqual({
      items: [expect.objectContaining({ id: 'img000' })],
      continuationToken: null,
    });
  });

  it('filters by status and defaults to 20 items', async () => {
    // Prepare
    const { list } = await setup(45);

    // Act
    const all = jsonOf<Page>(await list(''));
    const done = jsonOf<Page>(await list('status=Completed&limit=100'));

    // Assess
    expect(all.items).toHaveLength(20);
    expect(done.items).toHaveLength(23);
    expect(done.items.every((item) => item.status === 'Completed')).toBe(true);
  });

  it.each(['status=Finished', 'limit=0', 'limit=500', 'limit=abc', 'continuationToken=%25%25'])(
    'answers 400 INVALID_QUERY for %s',
    async (query) => {
      // Prepare
      const { list } = await setup(1);

      // Act
      const response = await list(query);

      // Assess
      expect(response.status).toBe(400);
      expect(response.jsonBody).toMatchObject({ error: { code: 'INVALID_QUERY' } });
    },
  );
});

describe('Function: getImageVariant', () => {
  async function setup() {
    const records = new MemoryRecordStore();
    const blobs = new MemoryBlobStore();
    await records.upsert(completed());
    await blobs.put(Containers.variants, `${ID}/thumb.webp`, Buffer.from('RIFFxxxxWEBP'), {
      contentType: 'image/webp',
    });
    const handler = createGetImageVariant({ blobs, records });
    const get = (id: string, name: string, headers: Record<string, string> = {}) =>
      handler(
        request({
          url: `http://localhost:7071/api/images/${id}/variants/${name}`,
          params: { id, name },
          headers,
        }),
        testContext().context,
      );
    return { get };
  }

  it('returns the bytes with the variant content type', async () => {
    // Prepare
    const { get } = await setup();

    // Act
    const response = await get(ID, 'thumb');

    // Assess
    expect(response.status).toBe(200);
    expect(header(response, 'content-type')).toBe('image/webp');
    expect(Buffer.from(response.body as Buffer).toString()).toBe('RIFFxxxxWEBP');
    const etag = header(response, 'etag')!;
    expect((await get(ID, 'thumb', { 'if-none-match': etag })).status).toBe(304);
  });

  it.each([
    ['an unknown image', 'zzzzzzzz', 'thumb'],
    ['an unknown variant name', ID, 'huge'],
    ['a variant not produced', ID, 'large'],
  ])('answers 404 NOT_FOUND for %s', async (_label, id, name) => {
    // Prepare
    const { get } = await setup();

    // Act
    const response = await get(id, name);

    // Assess
    expect(response.status).toBe(404);
    expect(response.jsonBody).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});

describe('Function: health', () => {
  it('is ok when both dependencies answer', async () => {
    // Prepare
    const handler = createGetHealth({
      blobs: new MemoryBlobStore(),
      records: new MemoryRecordStore(),
    });

    // Act
    const response = await handler(
      request({ url: 'http://localhost/api/health' }),
      testContext().context,
    );

    // Assess
    expect(response.status).toBe(200);
    expect(response.jsonBody).toEqual({ status: 'ok', dependencies: { blob: 'ok', cosmos: 'ok' } });
  });

  it('answers 503 and marks the dependency that is down', async () => {
    // Prepare
    const records = new MemoryRecordStore();
    records.healthy = false;
    const handler = createGetHealth({ blobs: new MemoryBlobStore(), records });

    // Act
    const response = await handler(
      request({ url: 'http://localhost/api/health' }),
      testContext().context,
    );

    // Assess
    expect(response.status).toBe(503);
    expect(response.jsonBody).toEqual({
      status: 'unavailable',
      dependencies: { blob: 'ok', cosmos: 'unavailable' },
    });
  });
});

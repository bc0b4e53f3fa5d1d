/**
 * The whole pipeline as a user runs it: upload → orchestration → variants + analysis + record,
 * checked on what comes back over HTTP, the variant bytes themselves, and the stored record.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import {
  cosmosContainer,
  phonePhoto,
  sharedStack,
  upload,
  uploadOk,
  waitFinished,
  type ImageRecord,
} from './client';

const stack = sharedStack();

describe('Pipeline: upload to completed record', () => {
  let id: string;
  let record: ImageRecord;
  let seen: string[];

  beforeAll(async () => {
    // Prepare
    const photo = await phonePhoto();
    const res = await upload(stack, photo, 'image/jpeg', '?filename=holiday.jpg');
    const body = (await res.json()) as { id: string; status: string; statusUrl: string };
    expect(res.status).toBe(202);
    expect(body.status).toBe('Accepted');
    expect(res.headers.get('location')).toBe(body.statusUrl);
    id = body.id;
    // Act
    ({ record, seen } = await waitFinished(stack, id));
  });

  it('completes, passing through the documented statuses', () => {
    expect(record.status).toBe('Completed');
    expect(seen[seen.length - 1]).toBe('Completed');
    for (const s of seen) expect(['Accepted', 'Processing', 'Completed']).toContain(s);
  });

  it('describes the source after EXIF orientation', () => {
    expect(record.source).toMatchObject({
      format: 'jpeg',
      width: 1600,
      height: 2400,
      filename: 'holiday.jpg',
    });
    expect(record.source?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('serves three WebP variants that fit their boxes, keep the aspect and carry no metadata', async () => {
    const boxes: Record<string, number> = { thumb: 150, medium: 640, large: 1280 };
    expect(record.variants.map((v) => v.name).sort()).toEqual(['large', 'medium', 'thumb']);
    for (const v of record.variants) {
      const res = await fetch(`${stack.baseUrl}/api/images/${id}/variants/${v.name}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/webp');
      const bytes = Buffer.from(await res.arrayBuffer());
      const meta = await sharp(bytes).metadata();
      expect(meta.format).toBe('webp');
      expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBe(boxes[v.name]);
      expect((meta.height ?? 0) / (meta.width ?? 1)).toBeCloseTo(2400 / 1600, 1);
      expect(meta.exif).toBeUndefined();
      expect(meta.orientation ?? 1).toBe(1);
      expect({ width: v.width, height: v.height, bytes: v.bytes }).toEqual({
        width: meta.width,
        height: meta.height,
        bytes: bytes.length,
      });
    }
  });

  it('adds a local analysis', () => {
    expect(record.analysis).toMatchObject({ status: 'Completed', provider: 'local' });
    expect(record.analysis?.blurhash).toEqual(expect.any(String));
    expect(record.analysis?.phash).toMatch(/^[0-9a-f]{16}$/);
    expect(record.analysis?.colors?.length).toBeGreaterThan(0);
  });

  it('lists the image, newest first', async () => {
    const res = await fetch(`${stack.baseUrl}/api/images?limit=100`);
    const body = (await res.json()) as { items: ImageRecord[] };
    expect(res.status).toBe(200);
    expect(body.items.map((i) => i.id)).toContain(id);
  });

  it('stores the same record in Cosmos DB', async () => {
    const { resource } = await cosmosContainer(stack.cosmosEndpoint, stack.cosmosKey)
      .item(id, id)
      .read<ImageRecord>();
    expect(resource?.status).toBe('Completed');
    expect(resource?.variants).toHaveLength(3);
  });
});

describe('Pipeline: small images and OCR', () => {
  it('never enlarges an image smaller than every box', async () => {
    const small = await sharp({
      create: { width: 120, height: 90, channels: 3, background: '#3366cc' },
    })
      .png()
      .toBuffer();
    const { record } = await waitFinished(stack, await uploadOk(stack, small, 'image/png'));
    expect(record.status).toBe('Completed');
    for (const v of record.variants)
      expect([v.width, v.height]).toEqual(v.name === 'thumb' ? [120, 90] : [120, 90]);
  });

  it('reads the text in an image', async () => {
    const png = readFileSync(path.join(__dirname, '..', 'fixtures', 'text-sample.png'));
    const { record } = await waitFinished(stack, await uploadOk(stack, png, 'image/png'));
    expect(record.analysis?.text?.toUpperCase()).toContain('PIPELINE');
  });

  it('tags a real photo, finds the face in it and invents no text', async () => {
    // Prepare: a 512×512 portrait; her face spans about x 160–300, y 40–220
    const jpeg = readFileSync(path.join(__dirname, '..', 'fixtures', 'photos', 'astronaut.jpg'));

    // Act
    const { record } = await waitFinished(stack, await uploadOk(stack, jpeg, 'image/jpeg'));

    // Assess
    expect(record.status).toBe('Completed');
    expect(record.analysis?.tags?.map((tag) => tag.name)).toEqual(
      expect.arrayContaining(['person', 'face']),
    );
    const [face] = record.analysis?.faces ?? [];
    expect(face?.box.x).toBeGreaterThanOrEqual(120);
    expect((face?.box.x ?? 0) + (face?.box.width ?? 0)).toBeLessThanOrEqual(340);
    expect(record.analysis?.moderation?.flagged).toBe(false);
    expect(record.analysis?.text ?? '').toBe('');
  });

  it('accepts multipart uploads in the field "file"', async () => {
    const jpeg = await sharp({
      create: { width: 300, height: 200, channels: 3, background: '#aa3311' },
    })
      .jpeg()
      .toBuffer();
    const form = new FormData();
    form.append('file', new Blob([jpeg], { type: 'image/jpeg' }), 'form.jpg');
    const res = await fetch(`${stack.baseUrl}/api/images`, { method: 'POST', body: form });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const { record } = await waitFinished(stack, id);
    expect(record.status).toBe('Completed');
    expect(record.source?.filename).toBe('form.jpg');
  });

  it('reports health of every dependency', async () => {
    const res = await fetch(`${stack.baseUrl}/api/health`);
    const body = (await res.json()) as { status: string; dependencies: Record<string, unknown> };
    expect(res.status).toBe(200);
    expect(Object.keys(body.dependencies).length).toBeGreaterThanOrEqual(2);
  });
});

/**
 * The Vision emulator speaks the Image Analysis 4.0 REST contract: the result's JSON shape, the
 * service's credentials and error bodies, and its input limits. Results come from the pixels, so
 * the same bytes always get the same answer.
 */
import type { RunningVisionEmulator } from '../../../devhost/vision/server';
import { analyze, bmp, darkWithRedSquare, emulator, solid } from './support';

describe('Vision emulator: the Image Analysis 4.0 contract', () => {
  let vision: RunningVisionEmulator;
  let r1: { url: string; key: string };

  beforeAll(async () => {
    vision = await emulator({ endpoints: 1, config: { quotaPerMinute: 0 } });
    const endpoint = vision.endpoints[0]!;
    r1 = { url: endpoint.url, key: endpoint.keys[0]! };
  });
  afterAll(() => vision.close());

  describe('a successful analysis', () => {
    it('returns caption, tags, read, smart crops, metadata and modelVersion', async () => {
      // Prepare
      const image = await solid(800, 400, { r: 30, g: 60, b: 200 });

      // Act
      const { status, json } = await analyze(r1.url, image, { key: r1.key });

      // Assess
      expect(status).toBe(200);
      expect(json.modelVersion).toBe('2023-10-01');
      expect(json.metadata).toEqual({ width: 800, height: 400 });
      expect(json.captionResult?.text).toBe('a panoramic mostly blue image');
      expect(json.captionResult?.confidence).toBeGreaterThan(0);
      expect(json.captionResult?.confidence).toBeLessThanOrEqual(1);
      expect(json.tagsResult?.values.map((tag) => tag.name)).toEqual(
        expect.arrayContaining(['blue', 'panorama']),
      );
      for (const tag of json.tagsResult?.values ?? []) {
        expect(tag.confidence).toBeGreaterThan(0);
        expect(tag.confidence).toBeLessThanOrEqual(1);
      }
      expect(json.readResult).toEqual({ blocks: [] });
      expect(json.smartCropsResult?.values).toEqual([
        { aspectRatio: 1, boundingBox: { x: expect.any(Number), y: 0, w: 400, h: 400 } },
        { aspectRatio: 0.75, boundingBox: { x: expect.any(Number), y: 0, w: 300, h: 400 } },
      ]);
    });

    it('answers only the requested features', async () => {
      const image = await solid(300, 300, { r: 200, g: 200, b: 200 });

      const { status, json } = await analyze(r1.url, image, {
        key: r1.key,
        query: 'api-version=2023-10-01&features=Tags',
      });

      expect(status).toBe(200);
      expect(Object.keys(json).sort()).toEqual(['metadata', 'modelVersion', 'tagsResult']);
    });

    it('describes shape, colour and brightness in words', async () => {
      const tall = await solid(300, 700, { r: 20, g: 110, b: 40 }, 'jpeg');
      const dark = await solid(500, 400, { r: 12, g: 12, b: 14 });

      const tallAnswer = await analyze(r1.url, tall, { key: r1.key });
      const darkAnswer = await analyze(r1.url, dark, { key: r1.key });

      expect(tallAnswer.json.captionResult?.text).toBe('a tall mostly green image');
      expect(tallAnswer.json.tagsResult?.values.map((tag) => tag.name)).toContain('portrait');
      expect(darkAnswer.json.captionResult?.text).toBe('a wide mostly black image');
      expect(darkAnswer.json.tagsResult?.values.map((tag) => tag.name)).toEqual(
        expect.arrayContaining(['black', 'dark', 'landscape']),
      );
    });

    it('gives the same answer for the same bytes', async () => {
      const image = await darkWithRedSquare(640, 480, { left: 400, top: 100, size: 120 });

      const first = await analyze(r1.url, image, { key: r1.key });
      const second = await analyze(r1.url, image, { key: r1.key });

      expect(second.json).toEqual(first.json);
    });

    it('places a smart crop over the salient part of the image', async () => {
      const image = await darkWithRedSquare(1200, 400, { left: 1000, top: 150, size: 100 });

      const { json } = await analyze(r1.url, image, {
        key: r1.key,
        query: 'api-version=2024-02-01&features=smartCrops&smartcrops-aspect-ratios=1',
      });

      const box = json.smartCropsResult?.values[0]?.boundingBox;
      expect(box).toBeDefined();
      expect(box!.w).toBe(400);
      expect(box!.x).toBeLessThanOrEqual(1000);
      expect(box!.x + box!.w).toBeGreaterThanOrEqual(1100);
    });

    it('picks one crop between 0.5 and 2.0 when no aspect ratio is asked for', async () => {
      const image = await solid(1000, 200, { r: 250, g: 200, b: 0 });

      const { json } = await analyze(r1.url, image, {
        key: r1.key,
        query: 'api-version=2024-02-01&features=smartCrops',
      });

      expect(json.smartCropsResult?.values).toEqual([
        { aspectRatio: 2, boundingBox: { x: expect.any(Number), y: 0, w: 400, h: 200 } },
      ]);
    });

    it('accepts BMP, which it can measure but not read, with a shape-only description', async () => {
      const { status, json } = await analyze(r1.url, bmp(120, 60), { key: r1.key });

      expect(status).toBe(200);
      expect(json.metadata).toEqual({ width: 120, height: 60 });
      expect(json.captionResult?.text).toBe('a panoramic image');
    });

    it('serves the first endpoint on the bare path, as a single-resource endpoint would', async () => {
      const image = await solid(100, 100, { r: 1, g: 2, b: 3 });

      const { status } = await analyze(vision.url, image, { key: r1.key });

      expect(status).toBe(200);
    });
  });

  describe('credentials', () => {
    it('answers 401 with the gateway body when the key is missing', async () => {
      const { status, json } = await analyze(r1.url, await solid(100, 100, { r: 0, g: 0, b: 0 }), {
        key: null,
      });

      expect(status).toBe(401);
      expect(json.error?.code).toBe('401');
      expect(json.error?.message).toMatch(/missing subscription key/);
    });

    it('answers 401 when the key is wrong', async () => {
      const { status, json } = await analyze(r1.url, await solid(100, 100, { r: 0, g: 0, b: 0 }), {
        key: 'not-the-key',
      });

      expect(status).toBe(401);
      expect(json.error?.message).toMatch(/invalid subscription key or wrong API endpoint/);
    });

    it('accepts any non-empty Bearer token, since offline there is no Entra ID', async () => {
      const image = await solid(100, 100, { r: 0, g: 0, b: 0 });

      const accepted = await analyze(r1.url, image, { key: null, bearer: 'any-token' });
      const refused = await analyze(r1.url, image, { key: null, bearer: ' ' });

      expect(accepted.status).toBe(200);
      expect(refused.status).toBe(401);
    });
  });

  describe('requests the service refuses', () => {
    const refusal = async (
      body: Buffer | string,
      options: Parameters<typeof analyze>[2] = {},
    ): Promise<{ status: number; code?: string; inner?: string }> => {
      const { status, json } = await analyze(r1.url, body, { key: r1.key, ...options });
      return { status, code: json.error?.code, inner: json.error?.innererror?.code };
    };

    it('answers 404 without a supported api-version or on an unknown route', async () => {
      const image = await solid(100, 100, { r: 0, g: 0, b: 0 });

      expect(await refusal(image, { query: 'features=caption' })).toEqual({
        status: 404,
        code: '404',
      });
      expect(await refusal(image, { query: 'api-version=2021-01-01&features=caption' })).toEqual({
        status: 404,
        code: '404',
      });
      expect(await refusal(image, { path: '/vision/v3.2/analyze' })).toEqual({
        status: 404,
        code: '404',
      });
    });

    it('does not fetch image URLs offline', async () => {
      expect(
        await refusal(JSON.stringify({ url: 'https://example.com/cat.jpg' }), {
          contentType: 'application/json',
        }),
      ).toEqual({ status: 400, code: 'InvalidRequest', inner: 'InvalidImageUrl' });
    });

    it('refuses bodies other than bytes or JSON', async () => {
      expect(await refusal('hello', { contentType: 'text/plain' })).toEqual({
        status: 415,
        code: 'UnsupportedMediaType',
      });
    });

    it('refuses formats it does not take, and bytes that are no image', async () => {
      const avif = await solid(100, 100, { r: 9, g: 9, b: 9 }, 'avif');

      expect(await refusal(avif)).toEqual({
        status: 400,
        code: 'InvalidRequest',
        inner: 'InvalidImageFormat',
      });
      expect(await refusal(Buffer.from('definitely not an image'))).toEqual({
        status: 400,
        code: 'InvalidRequest',
        inner: 'InvalidImageFormat',
      });
    });

    it('refuses images under 50 pixels on a side, empty bodies and bodies of 20 MB or more', async () => {
      expect(await refusal(await solid(49, 200, { r: 9, g: 9, b: 9 }))).toEqual({
        status: 400,
        code: 'InvalidRequest',
        inner: 'InvalidImageSize',
      });
      expect(await refusal(Buffer.alloc(0))).toEqual({
        status: 400,
        code: 'InvalidRequest',
        inner: 'InvalidImageSize',
      });
      expect(await refusal(Buffer.alloc(20 * 1024 * 1024))).toEqual({
        status: 400,
        code: 'InvalidRequest',
        inner: 'InvalidImageSize',
      });
    });

    it('refuses unknown features, out-of-range crop ratios and non-English captions', async () => {
      const image = await solid(100, 100, { r: 0, g: 0, b: 0 });

      expect(await refusal(image, { query: 'api-version=2024-02-01&features=faces' })).toEqual({
        status: 400,
        code: 'InvalidRequest',
        inner: 'NotSupportedVisualFeature',
      });
      expect(await refusal(image, { query: 'api-version=2024-02-01' })).toEqual({
        status: 400,
        code: 'InvalidRequest',
        inner: 'MissingParameter',
      });
      expect(
        await refusal(image, {
          query: 'api-version=2024-02-01&features=smartCrops&smartcrops-aspect-ratios=2.5',
        }),
      ).toEqual({ status: 400, code: 'InvalidRequest', inner: 'InvalidParameter' });
      expect(
        await refusal(image, { query: 'api-version=2024-02-01&features=caption&language=fr' }),
      ).toEqual({ status: 400, code: 'InvalidRequest', inner: 'NotSupportedLanguage' });
    });
  });
});

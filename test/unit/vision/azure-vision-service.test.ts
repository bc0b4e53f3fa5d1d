/**
 * The Azure analyzer adapter against the real Vision emulator on a free port: the SDK's own
 * client, real HTTP, real image scaling. The emulator's counters prove that one analyze() is
 * exactly one HTTP request whatever the answer, since retrying belongs to the gate.
 */
import sharp from 'sharp';
import { visionAdmin, type VisionAdmin } from '../../../devhost/vision/admin-client';
import type { RunningVisionEmulator } from '../../../devhost/vision/server';
import { ConfigError } from '../../../src/config';
import { createAzureVisionService } from '../../../src/adapters/azure-vision-service';
import { AppError } from '../../../src/domain/errors';
import type { VisionService } from '../../../src/ports/vision-service';
import { darkWithRedSquare, emulator, manualClock, solid } from './support';

describe('Function: createAzureVisionService', () => {
  let vision: RunningVisionEmulator;
  let admin: VisionAdmin;
  let service: VisionService;
  let r1: string;
  let r2: string;
  const clock = manualClock();

  beforeAll(async () => {
    vision = await emulator({ endpoints: 2, config: { quotaPerMinute: 0 }, clock: clock.now });
    admin = visionAdmin(vision.adminUrl);
    [r1, r2] = vision.endpoints.map((endpoint) => endpoint.url) as [string, string];
    service = createAzureVisionService({
      endpoints: vision.endpoints.map((endpoint) => endpoint.url),
      keys: vision.endpoints.map((endpoint) => endpoint.keys[0]!),
    });
  });
  afterAll(() => vision.close());
  beforeEach(() => admin.reset());

  const lastRequest = async (endpoint = 'r1') => (await admin.requests(endpoint, 1))[0];

  describe('Method: analyze', () => {
    it('returns the analysis of a 200 in the Analysis shape', async () => {
      // Prepare
      const image = await solid(900, 600, { r: 30, g: 60, b: 200 }, 'jpeg');

      // Act
      const result = await service.analyze(r1, image);

      // Assess
      expect(result).toEqual({
        kind: 'ok',
        analysis: {
          status: 'Completed',
          provider: 'azure',
          caption: 'a wide mostly blue image',
          tags: expect.arrayContaining([{ name: 'blue', confidence: expect.any(Number) }]),
          text: '',
          smartCrops: [{ aspectRatio: 1, x: expect.any(Number), y: 0, width: 600, height: 600 }],
        },
      });
      expect(await lastRequest()).toMatchObject({
        features: ['caption', 'tags', 'read', 'smartCrops'],
        aspectRatios: [1],
        format: 'jpeg',
        width: 900,
        height: 600,
      });
    });

    it('scales a 5000x3000 photo down to a 2048 long edge, and maps crops back to its pixels', async () => {
      const image = await darkWithRedSquare(
        5000,
        3000,
        { left: 4200, top: 1200, size: 500 },
        'jpeg',
      );

      const result = await service.analyze(r1, image);

      const received = await lastRequest();
      expect(received).toMatchObject({ format: 'jpeg', width: 2048 });
      expect(Math.abs(received!.height! - 1229)).toBeLessThanOrEqual(1);
      expect(result.kind).toBe('ok');
      const crop = result.kind === 'ok' ? result.analysis.smartCrops?.[0] : undefined;
      expect(crop).toBeDefined();
      expect(Math.abs(crop!.height - 3000)).toBeLessThanOrEqual(3);
      expect(Math.abs(crop!.width - crop!.height)).toBeLessThanOrEqual(3);
      expect(crop!.x + crop!.width).toBeLessThanOrEqual(5000);
      // The crop keeps the red square, in original pixels.
      expect(crop!.x).toBeLessThanOrEqual(4200);
      expect(crop!.x + crop!.width).toBeGreaterThanOrEqual(4700);
    });

    it('sends an upright JPEG for an EXIF-rotated photo, and crops in upright pixels', async () => {
      const image = await sharp({
        create: { width: 800, height: 600, channels: 3, background: { r: 90, g: 90, b: 90 } },
      })
        .withMetadata({ orientation: 6 })
        .jpeg()
        .toBuffer();

      const result = await service.analyze(r1, image);

      expect(await lastRequest()).toMatchObject({ format: 'jpeg', width: 600, height: 800 });
      const crop = result.kind === 'ok' ? result.analysis.smartCrops?.[0] : undefined;
      expect(crop).toMatchObject({ width: 600, height: 600 });
    });

    it('re-encodes formats the service does not take, and sends others untouched', async () => {
      const avif = await solid(300, 200, { r: 200, g: 20, b: 20 }, 'avif');
      const png = await solid(300, 200, { r: 200, g: 20, b: 20 }, 'png');

      await service.analyze(r1, avif);
      const avifSent = await lastRequest();
      await service.analyze(r1, png);
      const pngSent = await lastRequest();

      expect(avifSent).toMatchObject({ format: 'jpeg', width: 300, height: 200, status: 200 });
      expect(pngSent).toMatchObject({ format: 'png', bytes: png.length, status: 200 });
    });

    it('rejects an image under 50 pixels on a side without calling the service', async () => {
      const result = await service.analyze(r1, await solid(40, 400, { r: 0, g: 0, b: 0 }));

      expect(result).toEqual({
        kind: 'rejected',
        status: 400,
        message: expect.stringMatching(/50/),
      });
      expect((await admin.counters('r1')).calls).toBe(0);
    });

    it('throws CORRUPT_IMAGE for bytes that are no image, without calling the service', async () => {
      const attempt = service.analyze(r1, Buffer.from('this is not an image at all'));

      await expect(attempt).rejects.toBeInstanceOf(AppError);
      await expect(attempt).rejects.toMatchObject({ code: 'CORRUPT_IMAGE' });
      expect((await admin.counters('r1')).calls).toBe(0);
    });

    it('throws for an endpoint it was not configured with', async () => {
      await expect(service.analyze('http://127.0.0.1:1/nowhere', Buffer.alloc(1))).rejects.toThrow(
        /not one of the configured/,
      );
    });
  });

  describe('Method: analyze, classifying failures with exactly one HTTP call each', () => {
    let image: Buffer;
    beforeAll(async () => {
      image = await solid(200, 200, { r: 0, g: 150, b: 0 }, 'jpeg');
    });

    const oneCallOn = async (endpoint = 'r1'): Promise<void> => {
      expect((await admin.counters(endpoint)).calls).toBe(1);
    };

    it('classifies a wrong key (401) as rejected', async () => {
      const wrongKey = createAzureVisionService({ endpoints: [r1], keys: ['wrong'] });

      const result = await wrongKey.analyze(r1, image);

      expect(result).toEqual({
        kind: 'rejected',
        status: 401,
        message: expect.stringMatching(/invalid subscription key/),
      });
      await oneCallOn();
    });

    it('classifies a spent quota as throttled, with retryAfterMs from Retry-After', async () => {
      await admin.configure({ quotaPerMinute: 1 }, 'r1');
      await service.analyze(r1, image);
      clock.advance(15_000);

      const result = await service.analyze(r1, image);

      expect(result).toEqual({
        kind: 'throttled',
        retryAfterMs: 45_000,
        message: expect.stringMatching(/exceeded/),
      });
      expect((await admin.counters('r1')).calls).toBe(2);
    });

    it('classifies an injected 429 as throttled after one call', async () => {
      await admin.configure({ rate429: 1, retryAfterSeconds: 3 }, 'r1');

      const result = await service.analyze(r1, image);

      expect(result).toMatchObject({ kind: 'throttled', retryAfterMs: 3_000 });
      await oneCallOn();
    });

    it.each([
      ['rate500', 500],
      ['rate503', 503],
    ] as const)('classifies %s as unavailable after one call', async (field, status) => {
      await admin.configure({ [field]: 1 }, 'r1');

      const result = await service.analyze(r1, image);

      expect(result).toEqual({ kind: 'unavailable', status, message: expect.any(String) });
      await oneCallOn();
    });

    it('classifies a call held past the deadline as unavailable', async () => {
      await admin.configure({ timeoutRate: 1, timeoutSeconds: 0 }, 'r1');
      const impatient = createAzureVisionService(
        { endpoints: [r1], keys: [vision.endpoints[0]!.keys[0]!] },
        { timeoutMs: 300 },
      );

      const result = await impatient.analyze(r1, image);

      expect(result).toEqual({
        kind: 'unavailable',
        message: 'Azure AI Vision did not answer within 300 ms',
      });
      const counters = await admin.counters('r1');
      expect(counters.calls).toBe(1);
      expect(counters.errors.timeouts).toBe(1);
    });

    it('classifies a reset connection as unavailable', async () => {
      await admin.configure({ resetRate: 1 }, 'r1');

      const result = await service.analyze(r1, image);

      expect(result).toMatchObject({
        kind: 'unavailable',
        message: expect.stringMatching(/reach/),
      });
      await oneCallOn();
    });

    it('classifies an outage as unavailable on that endpoint only', async () => {
      await admin.outage({ seconds: 60 }, 'r1');

      const down = await service.analyze(r1, image);
      const up = await service.analyze(r2, image);

      expect(down).toMatchObject({ kind: 'unavailable', status: 503 });
      expect(up.kind).toBe('ok');
      await oneCallOn('r1');
      await oneCallOn('r2');
    });

    it('classifies a refused connection as unavailable', async () => {
      const closed = 'http://127.0.0.1:9/vision';
      const nowhere = createAzureVisionService({ endpoints: [closed], keys: ['k'] });

      const result = await nowhere.analyze(closed, image);

      expect(result.kind).toBe('unavailable');
    });
  });

  describe('configuration', () => {
    it('needs one key per endpoint, https unless on loopback, and ratios the service takes', () => {
      expect(() => createAzureVisionService({ endpoints: [r1, r2], keys: ['one'] })).toThrow(
        ConfigError,
      );
      expect(() => createAzureVisionService({ endpoints: [r1], keys: [] })).toThrow(/VISION_KEYS/);
      expect(() =>
        createAzureVisionService({ endpoints: ['http://vision.example.com'], keys: ['k'] }),
      ).toThrow(/VISION_ENDPOINTS/);
      expect(() =>
        createAzureVisionService({ endpoints: [r1], keys: ['k'] }, { smartCropAspectRatios: [3] }),
      ).toThrow(RangeError);
    });

    it('lists its endpoints in configuration order', () => {
      const configured = createAzureVisionService({ endpoints: [r2, r1], keys: ['a', 'b'] });

      expect(configured.endpoints).toEqual([r2, r1]);
    });
  });
});

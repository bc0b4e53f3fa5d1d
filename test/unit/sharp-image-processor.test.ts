import sharp from 'sharp';
import { AppError } from '../../src/domain/errors';
import { variantSpecs } from '../../src/domain/pipeline/variants';
import { createSharpImageProcessor } from '../../src/adapters/sharp-image-processor';
import { pngClaiming, solidJpeg, twoToneJpeg } from './support/images';

const MAX_PIXELS = 50_000_000;
const images = createSharpImageProcessor();

async function errorOf(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('Expected the call to fail');
}

describe('Class: SharpImageProcessor', () => {
  describe('Method: readHeader', () => {
    it('reports stored and display sizes and the EXIF block of a rotated photo', async () => {
      // Prepare
      const photo = await solidJpeg(3000, 2000, { orientation: 6, gps: true });

      // Act
      const header = await images.readHeader(photo, MAX_PIXELS);

      // Assess
      expect(header).toMatchObject({
        decoder: 'jpeg',
        width: 3000,
        height: 2000,
        orientedWidth: 2000,
        orientedHeight: 3000,
      });
      expect(header.exif?.length).toBeGreaterThan(0);
    });

    it('refuses a header that declares more pixels than the cap, without decoding', async () => {
      // Prepare: 12000×12000 declared, a few dozen bytes of actual data
      const bomb = pngClaiming(12_000, 12_000);

      // Act
      const error = await errorOf(images.readHeader(bomb, MAX_PIXELS));

      // Assess
      expect(bomb.length).toBeLessThan(200);
      expect(error.code).toBe('IMAGE_TOO_LARGE');
    });

    it('calls an unreadable header corrupt', async () => {
      // Prepare
      const garbage = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(50, 7)]);

      // Act
      const error = await errorOf(images.readHeader(garbage, MAX_PIXELS));

      // Assess
      expect(error.code).toBe('CORRUPT_IMAGE');
    });
  });

  describe('Method: render', () => {
    it('orients, fits and strips metadata: 3000×2000 with orientation 6 and GPS', async () => {
      // Prepare
      const photo = await solidJpeg(3000, 2000, { orientation: 6, gps: true, camera: true });
      const [thumb, medium, large] = variantSpecs('webp');

      // Act
      const outputs = await Promise.all(
        [thumb!, medium!, large!].map((spec) => images.render(photo, spec, MAX_PIXELS)),
      );

      // Assess: portrait after rotation, inside each box, WebP, no EXIF at all
      expect(outputs.map(({ width, height }) => [width, height])).toEqual([
        [100, 150],
        [427, 640],
        [853, 1280],
      ]);
      for (const output of outputs) {
        const metadata = await sharp(output.data).metadata();
        expect(metadata.format).toBe('webp');
        expect([metadata.width, metadata.height]).toEqual([output.width, output.height]);
        expect(metadata.exif).toBeUndefined();
        expect(metadata.orientation).toBeUndefined();
        expect(output.data.includes(Buffer.from('Acme'))).toBe(false);
        expect(output.data.includes(Buffer.from('GPS'))).toBe(false);
      }
    });

    it('turns the pixels, not just the numbers: the left half ends up on top', async () => {
      // Prepare: red left half, blue right half, orientation 6 = rotate 90° clockwise to view
      const photo = await twoToneJpeg(400, 200, 6);
      const spec = variantSpecs('webp')[0]!;

      // Act
      const output = await images.render(photo, spec, MAX_PIXELS);
      const { data, info } = await sharp(output.data).raw().toBuffer({ resolveWithObject: true });
      const pixel = (x: number, y: number) => {
        const offset = (y * info.width + x) * info.channels;
        return { r: data[offset]!, b: data[offset + 2]! };
      };

      // Assess
      expect([output.width, output.height]).toEqual([75, 150]);
      expect(pixel(37, 10).r).toBeGreaterThan(200);
      expect(pixel(37, 10).b).toBeLessThan(60);
      expect(pixel(37, 140).b).toBeGreaterThan(200);
      expect(pixel(37, 140).r).toBeLessThan(60);
    });

    it('never enlarges a small image', async () => {
      // Prepare
      const small = await solidJpeg(120, 80);
      const large = variantSpecs('webp')[2]!;

      // Act
      const output = await images.render(small, large, MAX_PIXELS);

      // Assess
      expect([output.width, output.height]).toEqual([120, 80]);
    });

    it.each(['jpeg', 'avif'] as const)('encodes %s when configured', async (format) => {
      // Prepare
      const photo = await solidJpeg(300, 200);
      const spec = variantSpecs(format)[0]!;

      // Act
      const output = await images.render(photo, spec, MAX_PIXELS);

      // Assess
      const metadata = await sharp(output.data).metadata();
      expect(output.format).toBe(format);
      expect(metadata.format).toBe(format === 'avif' ? 'heif' : 'jpeg');
    });

    it('calls a truncated JPEG corrupt', async () => {
      // Prepare: the header survives, half the pixel data does not
      const photo = await solidJpeg(1200, 800);
      const truncated = photo.subarray(0, Math.floor(photo.length / 2));
      await expect(images.readHeader(truncated, MAX_PIXELS)).resolves.toMatchObject({
        width: 1200,
      });

      // Act
      const error = await errorOf(images.render(truncated, variantSpecs('webp')[0]!, MAX_PIXELS));

      // Assess
      expect(error.code).toBe('CORRUPT_IMAGE');
    });

    it('enforces the pixel cap itself as a second line of defence', async () => {
      // Prepare
      const photo = await solidJpeg(1000, 1000);

      // Act
      const error = await errorOf(images.render(photo, variantSpecs('webp')[0]!, 999_999));

      // Assess
      expect(error.code).toBe('IMAGE_TOO_LARGE');
    });
  });
});

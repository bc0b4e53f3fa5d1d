import sharp from 'sharp';
import { decoderMatches, sniffFormat } from '../../src/domain/pipeline/formats';

const ascii = (text: string): Buffer => Buffer.from(text, 'latin1');

function ftyp(major: string, compatible: string[]): Buffer {
  const body = Buffer.concat([
    ascii('ftyp'),
    ascii(major),
    Buffer.alloc(4),
    ...compatible.map(ascii),
  ]);
  const size = Buffer.alloc(4);
  size.writeUInt32BE(body.length + 4);
  return Buffer.concat([size, body, Buffer.alloc(16)]);
}

describe('Function: sniffFormat', () => {
  it.each([
    ['jpeg', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10])],
    ['png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0])],
    ['gif', ascii('GIF89a\x01\x00')],
    ['gif', ascii('GIF87a\x01\x00')],
    ['webp', Buffer.concat([ascii('RIFF'), Buffer.alloc(4), ascii('WEBPVP8 ')])],
    ['avif', ftyp('avif', ['mif1', 'miaf'])],
    ['avif', ftyp('avis', ['avis', 'msf1'])],
    ['avif', ftyp('mif1', ['mif1', 'avif'])],
    ['tiff', Buffer.from([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0])],
    ['tiff', Buffer.from([0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8])],
  ])('recognises %s from its magic bytes', (expected, bytes) => {
    // Prepare: the bytes above
    // Act
    const format = sniffFormat(bytes);

    // Assess
    expect(format).toBe(expected);
  });

  it.each(['jpeg', 'png', 'webp', 'gif', 'avif', 'tiff'] as const)(
    'recognises a real %s file encoded by libvips',
    async (format) => {
      // Prepare
      const bytes = await sharp({
        create: { width: 8, height: 8, channels: 3, background: '#336699' },
      })
        .toFormat(format)
        .toBuffer();

      // Act
      const sniffed = sniffFormat(bytes);

      // Assess
      expect(sniffed).toBe(format);
    },
  );

  it.each([
    ['plain text', ascii('hello, this is not an image')],
    ['PDF', ascii('%PDF-1.7\n%âãÏÓ\n1 0 obj')],
    ['HTML', ascii('<!DOCTYPE html><html><body><img src=x></body></html>')],
    ['SVG', ascii('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>')],
    ['bare SVG', ascii('<svg xmlns="http://www.w3.org/2000/svg" width="10"/>')],
    ['HEIC', ftyp('heic', ['mif1', 'heic'])],
    ['MP4', ftyp('isom', ['isom', 'mp41'])],
    ['RIFF WAV', Buffer.concat([ascii('RIFF'), Buffer.alloc(4), ascii('WAVEfmt ')])],
    ['a JPEG prefix that is too short', Buffer.from([0xff, 0xd8])],
    ['nothing', Buffer.alloc(0)],
  ])('rejects %s', (_label, bytes) => {
    // Prepare: the bytes above
    // Act
    const format = sniffFormat(bytes);

    // Assess
    expect(format).toBeUndefined();
  });
});

describe('Function: decoderMatches', () => {
  it('accepts libvips naming AVIF "heif" and rejects a disagreeing decoder', () => {
    // Prepare / Act
    const results = [
      decoderMatches('avif', 'heif'),
      decoderMatches('jpeg', 'jpeg'),
      decoderMatches('png', 'svg'),
      decoderMatches('tiff', 'pdf'),
    ];

    // Assess
    expect(results).toEqual([true, true, false, false]);
  });
});

/** Decoding and encoding images. Implementations enforce the pixel cap on every call. */
import type { VariantFormat, VariantSpec } from '../domain/pipeline/variants';

export interface ImageHeader {
  /** The decoder that recognised the data, e.g. `jpeg`, `heif`. */
  decoder: string;
  /** Stored size, before EXIF orientation. */
  width: number;
  height: number;
  /** Display size, after EXIF orientation. */
  orientedWidth: number;
  orientedHeight: number;
  exif?: Buffer;
}

export interface RenderedImage {
  data: Buffer;
  width: number;
  height: number;
  format: VariantFormat;
}

export interface ImageProcessor {
  /**
   * Reads the header only; nothing is decoded. Throws `AppError` `IMAGE_TOO_LARGE` when the header
   * declares more than `maxInputPixels`, `CORRUPT_IMAGE` when it cannot be read.
   */
  readHeader(data: Buffer, maxInputPixels: number): Promise<ImageHeader>;
  /**
   * Oriented, fitted inside the spec's box, never enlarged, metadata stripped. Throws `AppError`
   * `CORRUPT_IMAGE` when the pixel data cannot be decoded.
   */
  render(data: Buffer, spec: VariantSpec, maxInputPixels: number): Promise<RenderedImage>;
}

/** Image analysis providers (local statistics + OCR, Azure AI Vision). */
import type { Analysis, AnalyzerKind } from '../domain/record';

export interface ImageAnalyzer {
  readonly provider: Exclude<AnalyzerKind, 'none'>;
  /** Transient problems throw; an undecodable image throws `AppError` `CORRUPT_IMAGE`. */
  analyze(data: Buffer, options: { maxInputPixels: number }): Promise<Analysis>;
}

export interface TextRecognizer {
  /** The text found in an image (PNG/JPEG bytes), whitespace-normalised; '' when none. */
  recognize(image: Buffer): Promise<string>;
  close(): Promise<void>;
}

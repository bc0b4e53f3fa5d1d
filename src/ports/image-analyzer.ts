/** Image analysis providers (local statistics, models and OCR; Azure AI Vision). */
import type { Analysis, AnalyzerKind } from '../domain/record';

export interface ImageAnalyzer {
  readonly provider: Exclude<AnalyzerKind, 'none'>;
  /**
   * Transient problems throw; an undecodable image throws `AppError` `CORRUPT_IMAGE`, one the
   * models cannot read `ANALYSIS_FAILED`.
   */
  analyze(data: Buffer, options: { maxInputPixels: number }): Promise<Analysis>;
}

export interface OcrWord {
  readonly text: string;
  /** 0..100, as tesseract reports it. */
  readonly confidence: number;
}

export interface OcrLine {
  readonly words: readonly OcrWord[];
}

export interface TextRecognizer {
  /** The lines and words found in an image (PNG/JPEG bytes), each word with its confidence. */
  recognize(image: Buffer): Promise<OcrLine[]>;
  close(): Promise<void>;
}

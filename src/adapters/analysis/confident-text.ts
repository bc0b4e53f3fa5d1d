/**
 * Keeps only the words OCR is sure of. Tesseract reads something into every photo (leaves, water,
 * grass); its per-word confidence separates real words from that noise: words at or above the
 * threshold that carry at least two letters or digits are kept, lines keep their order, and a
 * line with no kept word disappears. Pure, so the rule is tested without tesseract.
 */
import type { OcrLine } from '../../ports/image-analyzer';

/** At least two letters or digits: drops the `|`, `/`, `4` and `‘` that tesseract sees in texture. */
const WORDLIKE = /[\p{L}\p{N}].*[\p{L}\p{N}]/u;

export function confidentText(lines: readonly OcrLine[], minConfidence: number): string {
  return lines
    .map((line) =>
      line.words
        .filter((word) => word.confidence >= minConfidence && WORDLIKE.test(word.text))
        .map((word) => word.text.trim())
        .filter((text) => text !== '')
        .join(' '),
    )
    .filter((line) => line !== '')
    .join('\n');
}

/**
 * TextRecognizer over tesseract.js with the English model shipped in `@tesseract.js-data/eng`.
 *
 * Nothing is fetched at run time: `langPath` points into the installed package, and
 * `cacheMethod: 'none'` stops tesseract.js from writing a traineddata copy into the working
 * directory. The worker (a thread holding ~15 MB of model) is created on first use and reused.
 * It answers lines of words with their confidences; deciding which words to believe is the
 * caller's (confident-text.ts).
 */
import { createWorker, OEM, type Worker } from 'tesseract.js';
import type { OcrLine, TextRecognizer } from '../../ports/image-analyzer';

interface LanguageData {
  code: string;
  gzip: boolean;
  langPath: string;
}

// The data package is plain CommonJS without types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const eng = require('@tesseract.js-data/eng') as LanguageData;

export function normalizeOcrText(raw: string): string {
  return raw
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter((line) => line !== '')
    .join('\n');
}

export function createTesseractTextRecognizer(): TextRecognizer {
  let worker: Promise<Worker> | undefined;

  const getWorker = (): Promise<Worker> => {
    worker ??= createWorker(eng.code, OEM.LSTM_ONLY, {
      langPath: eng.langPath,
      gzip: eng.gzip,
      cacheMethod: 'none',
    })
      .then(async (created) => {
        // Images arrive without a trustworthy resolution; tesseract otherwise guesses from the
        // file's (often absent) DPI, warns, and sizes its text-line model wrongly.
        await created.setParameters({ user_defined_dpi: '300' });
        return created;
      })
      .catch((error: unknown) => {
        // Let the next call try again instead of caching a broken worker forever.
        worker = undefined;
        throw error;
      });
    return worker;
  };

  return {
    async recognize(image: Buffer): Promise<OcrLine[]> {
      const current = await getWorker();
      try {
        const result = await current.recognize(image, {}, { blocks: true, text: false });
        return (result.data.blocks ?? []).flatMap((block) =>
          block.paragraphs.flatMap((paragraph) =>
            paragraph.lines.map((line) => ({
              words: line.words.map((word) => ({
                text: normalizeOcrText(word.text),
                confidence: word.confidence,
              })),
            })),
          ),
        );
      } catch (error) {
        // A crashed worker thread stays crashed; drop it so a retry starts a fresh one.
        worker = undefined;
        await current.terminate().catch(() => undefined);
        throw error;
      }
    },

    async close(): Promise<void> {
      const current = worker;
      worker = undefined;
      if (current !== undefined) await (await current).terminate();
    },
  };
}

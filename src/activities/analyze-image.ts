/**
 * Activity `analyzeImage`.
 *
 * Trigger: activity, called by processImage with ACTIVITY_RETRY unless the analyzer is `none`.
 * Input: AnalyzeImageInput `{ imageId, blobName, provider: 'local' | 'azure', maxInputPixels }`.
 * Output: `{ ok: true, value: Analysis }` (local: colours, blurhash, pHash, OCR text) or a
 *   permanent failure value: SOURCE_NOT_FOUND, CORRUPT_IMAGE, ANALYSIS_DEFERRED (no analyzer for
 *   that provider is available in this deployment).
 *   Either carries `timing` (the attempt's own start and end, see timed.ts).
 * Idempotency key: none needed, it only reads and computes.
 * Retry policy: analyzer and storage errors throw and are retried.
 */
import type { InvocationContext } from '@azure/functions';
import { type AnalyzerKind } from '../domain/record';
import { fail, permanentFailureOf, succeed } from '../domain/outcome';
import { type AnalyzeImageOutput, parseAnalyzeImageInput } from '../domain/pipeline/pipeline';
import { Containers } from '../names';
import { type Timed, timed } from './timed';
import type { BlobStore } from '../ports/blob-store';
import type { ImageAnalyzer } from '../ports/image-analyzer';

export interface AnalyzeImageDeps {
  blobs: BlobStore;
  analyzers: Partial<Record<Exclude<AnalyzerKind, 'none'>, ImageAnalyzer>>;
}

export function createAnalyzeImage(deps: AnalyzeImageDeps) {
  const attempt = async (
    rawInput: unknown,
    context: InvocationContext,
  ): Promise<AnalyzeImageOutput> => {
    try {
      const input = parseAnalyzeImageInput(rawInput);
      const analyzer = deps.analyzers[input.provider];
      if (analyzer === undefined) {
        return fail(
          'ANALYSIS_DEFERRED',
          `The ${input.provider} analyzer is not available in this deployment`,
        );
      }
      const blob = await deps.blobs.get(Containers.incoming, input.blobName);
      if (blob === undefined) {
        return fail('SOURCE_NOT_FOUND', `The uploaded blob ${input.blobName} no longer exists`);
      }
      return succeed(await analyzer.analyze(blob.data, { maxInputPixels: input.maxInputPixels }));
    } catch (error) {
      const failure = permanentFailureOf(error);
      if (failure === undefined) throw error;
      context.warn(`analyzeImage: ${failure.code}: ${failure.message}`);
      return failure;
    }
  };
  return (rawInput: unknown, context: InvocationContext): Promise<Timed<AnalyzeImageOutput>> =>
    timed(() => attempt(rawInput, context));
}

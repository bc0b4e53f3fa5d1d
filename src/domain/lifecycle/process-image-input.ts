/**
 * The processImage input for an uploaded blob, built the same way by the blob trigger and by
 * the reconciliation sweep, so a run the sweep starts is the very run the upload event would
 * have started (same instance id, same input).
 */
import { decodeMetadataValue } from '../pipeline/filename';
import type { ProcessImageInput } from '../pipeline/pipeline';
import type { AnalyzerKind } from '../record';
import { type VariantFormat, variantSpecs } from '../pipeline/variants';
import type { VisionPlan } from '../gate/endpoints';

/** The settings in force that a run carries in its input. */
export interface PipelineChoice {
  variantFormat: VariantFormat;
  analyzer: AnalyzerKind;
  maxInputPixels: number;
  /** The gates an `azure` analysis goes through; absent for the other analyzers. */
  vision?: VisionPlan;
}

/** The client's file name (percent-encoded in blob metadata) and the stored content type. */
export function sourceOfBlob(
  contentType: string | null | undefined,
  rawFilename: string | undefined,
): ProcessImageInput['source'] {
  return {
    filename: rawFilename === undefined ? null : decodeMetadataValue(rawFilename),
    contentType: contentType ?? null,
  };
}

export function processImageInputFor(
  imageId: string,
  source: ProcessImageInput['source'],
  choice: PipelineChoice,
): ProcessImageInput {
  return {
    imageId,
    blobName: imageId,
    source,
    variants: variantSpecs(choice.variantFormat),
    analyzer: choice.analyzer,
    maxInputPixels: choice.maxInputPixels,
    ...(choice.analyzer === 'azure' && choice.vision !== undefined
      ? { vision: choice.vision }
      : {}),
  };
}

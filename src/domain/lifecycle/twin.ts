/**
 * Content-hash reuse: the messages between processImage and its two reuse activities,
 * `findTwin` and `copyTwinVariants`, and the record a reused image is saved with. Plain JSON:
 * everything here travels through the durable history.
 */
import type { Outcome } from '../outcome';
import { pendingSteps } from '../pipeline/steps';
import type { RenderedVariant } from '../pipeline/pipeline';
import type { Analysis, ImageRecord, Step, VariantRecord } from '../record';
import { isObject, objectField, stringField } from '../pipeline/validate';
import { isVariantName, type VariantSpec } from '../pipeline/variants';

export interface FindTwinInput {
  imageId: string;
  sha256: string;
  processingSpec: string;
}

/** What processImage needs from a twin: its id, its variants and its analysis. */
export interface Twin {
  id: string;
  variants: VariantRecord[];
  analysis: Analysis;
}

export interface FindTwinOutput {
  twin: Twin | null;
}

export interface CopyTwinVariantsInput {
  imageId: string;
  twinId: string;
  variants: RenderedVariant[];
}

/** The image's own copies, or a failure when the twin's blobs are gone (deleted meanwhile). */
export type CopyTwinVariantsOutput = Outcome<RenderedVariant[]>;

export function parseFindTwinInput(value: unknown): FindTwinInput {
  const input = objectField(value, 'findTwin input');
  return {
    imageId: stringField(input, 'imageId'),
    sha256: stringField(input, 'sha256'),
    processingSpec: stringField(input, 'processingSpec'),
  };
}

export function parseCopyTwinVariantsInput(value: unknown): CopyTwinVariantsInput {
  const input = objectField(value, 'copyTwinVariants input');
  const variants = Array.isArray(input.variants) ? input.variants : [];
  return {
    imageId: stringField(input, 'imageId'),
    twinId: stringField(input, 'twinId'),
    variants: variants.filter(
      (variant): variant is RenderedVariant => isObject(variant) && isVariantName(variant.name),
    ),
  };
}

/** A record that can serve as a twin: Completed and analysed. Undefined otherwise. */
export function twinOf(record: ImageRecord): Twin | undefined {
  if (record.status !== 'Completed' || record.analysis === null) return undefined;
  return { id: record.id, variants: record.variants, analysis: record.analysis };
}

/**
 * The twin's variants in the order and formats of `specs`, as this image's own rendering (each
 * url is rebuilt for the new id when the record is made); undefined when the twin lacks one, so
 * a half-made twin is never copied.
 */
export function variantsToCopy(
  twin: Twin,
  specs: readonly VariantSpec[],
): RenderedVariant[] | undefined {
  const copies: RenderedVariant[] = [];
  for (const spec of specs) {
    const variant = twin.variants.find((candidate) => candidate.name === spec.name);
    if (variant === undefined || variant.format !== spec.format) return undefined;
    copies.push({
      name: variant.name,
      width: variant.width,
      height: variant.height,
      format: variant.format,
      contentType: variant.contentType,
      bytes: variant.bytes,
    });
  }
  return copies;
}

/** The step a reusing run shows in place of its resizes and its analysis. */
export const STEP_REUSE = 'reuse';

/** The steps with a pending `reuse` step right after `after` (inspection). */
export function withReuseStep(steps: readonly Step[], after: string): Step[] {
  const index = steps.findIndex((step) => step.name === after);
  const reuse = pendingSteps([STEP_REUSE]);
  return [...steps.slice(0, index + 1), ...reuse, ...steps.slice(index + 1)];
}

/**
 * The processing spec: everything that decides what a run of processImage produces from a given
 * file, as one readable string, e.g.
 * `thumb=150x150.webp,medium=640x640.webp,large=1280x1280.webp;analysis=local-2`.
 * Two uploads of the same bytes under the same spec would produce the same variants and the same
 * analysis, so the later one may take over the earlier one's results. Any change to a variant box
 * or format, the analyzer, or the analyzer's version (analyzer-versions.ts) gives another spec.
 * Pure and deterministic: the orchestrator computes it while replaying.
 */
import { analyzerVersionOf } from '../analysis/analyzer-versions';
import type { AnalyzerKind } from '../record';
import type { VariantSpec } from '../pipeline/variants';

export function processingSpecOf(variants: readonly VariantSpec[], analyzer: AnalyzerKind): string {
  const boxes = variants
    .map((variant) => `${variant.name}=${variant.maxWidth}x${variant.maxHeight}.${variant.format}`)
    .join(',');
  return `${boxes};analysis=${analyzerVersionOf(analyzer)}`;
}

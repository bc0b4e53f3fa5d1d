/**
 * The version of what each analyzer records. An analysis carries the version that produced it, so
 * a reprocessing can target analyses made by an older version, and two uploads of the same bytes
 * share results only when they were analysed by the same version. Bump a version whenever an
 * analyzer's models, thresholds or rules change what it writes into a record.
 */
import type { AnalyzerKind } from '../record';

export const ANALYZER_VERSIONS = {
  local: 'local-2',
  azure: 'azure-vision-4.0',
  none: 'none',
} as const satisfies Record<AnalyzerKind, string>;

export function analyzerVersionOf(kind: AnalyzerKind): string {
  return ANALYZER_VERSIONS[kind];
}

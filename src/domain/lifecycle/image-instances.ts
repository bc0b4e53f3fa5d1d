/**
 * Which orchestration instances belong to an image, by their deterministic ids: every upload run
 * `img-{id}-{etag hash}`, every reanalysis `reanalyze-{id}-v{n}`, every batch reprocessing
 * `reprocess-{batchId}-{id}`, and each one's analysis sub-orchestration (`...-analysis`).
 * Matching is exact rather than by prefix, because image ids may contain dashes (`abc` must
 * not claim `img-abc-def-...`, the run of image `abc-def`).
 */

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The instance id prefixes to list for an image; `reprocess-` is narrowed by belongsToImage. */
export function instancePrefixesOf(imageId: string): string[] {
  return [`img-${imageId}-`, `reanalyze-${imageId}-`, 'reprocess-'];
}

export function belongsToImage(instanceId: string, imageId: string): boolean {
  const id = escape(imageId);
  return new RegExp(
    `^(img-${id}-[0-9a-f]{12}|reanalyze-${id}-v\\d+|reprocess-[A-Za-z0-9_]+-${id})(-analysis)?$`,
  ).test(instanceId);
}

/** The cascade-delete orchestration of an image: one per image, so a repeated DELETE finds it. */
export function deleteInstanceId(imageId: string): string {
  return `delete-${imageId}`;
}

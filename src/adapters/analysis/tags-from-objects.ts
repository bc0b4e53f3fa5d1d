/**
 * Tags from detections, in Azure AI Vision's `[{ name, confidence }]` shape: each detected class
 * once with its best confidence, `animal` above any animal class (COCO has no generic one), and
 * `person` and `face` when faces were found. Highest confidence first. Pure.
 */
import type { DetectedObject, DetectedRegion, Tag } from '../../domain/record';

const ANIMALS = new Set([
  'bird',
  'cat',
  'dog',
  'horse',
  'sheep',
  'cow',
  'elephant',
  'bear',
  'zebra',
  'giraffe',
]);

export function tagsFrom(
  objects: readonly DetectedObject[],
  faces: readonly DetectedRegion[],
): Tag[] {
  const best = new Map<string, number>();
  const add = (name: string, confidence: number) =>
    best.set(name, Math.max(best.get(name) ?? 0, confidence));
  for (const object of objects) {
    add(object.name, object.confidence);
    if (ANIMALS.has(object.name)) add('animal', object.confidence);
  }
  for (const face of faces) {
    add('face', face.confidence);
    add('person', face.confidence);
  }
  return [...best]
    .map(([name, confidence]) => ({ name, confidence: Math.round(confidence * 1000) / 1000 }))
    .sort((a, b) => b.confidence - a.confidence || a.name.localeCompare(b.name));
}

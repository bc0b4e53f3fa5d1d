/**
 * The analyze operation's query string, read as the service reads it: parameter names and
 * feature names are case-insensitive, lists are comma-separated, and every bad value is a 400
 * InvalidRequest that names the parameter.
 */
import type { AnalyzeRequest } from './analyze-image';
import { API_VERSIONS, LIMITS, VISUAL_FEATURES, type VisualFeature } from './contract';
import { invalidRequest, type ServiceError } from './service-errors';

function lowerCased(params: URLSearchParams): Map<string, string> {
  const map = new Map<string, string>();
  for (const [name, value] of params) map.set(name.toLowerCase(), value);
  return map;
}

const list = (raw: string | undefined): string[] =>
  (raw ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

/** A missing or unknown api-version does not reach the operation: the gateway answers 404. */
export function hasSupportedApiVersion(params: URLSearchParams): boolean {
  const version = lowerCased(params).get('api-version');
  return version !== undefined && API_VERSIONS.includes(version);
}

export function parseAnalyzeQuery(params: URLSearchParams): AnalyzeRequest | ServiceError {
  const query = lowerCased(params);

  const names = list(query.get('features'));
  if (names.length === 0) {
    return invalidRequest(
      'MissingParameter',
      'The features parameter is required: name at least one visual feature.',
    );
  }
  const features = new Set<VisualFeature>();
  for (const name of names) {
    const feature = VISUAL_FEATURES.find((known) => known.toLowerCase() === name.toLowerCase());
    if (feature === undefined) {
      return invalidRequest(
        'NotSupportedVisualFeature',
        `Visual feature "${name}" is not supported; use ${VISUAL_FEATURES.join(', ')}.`,
      );
    }
    features.add(feature);
  }

  const aspectRatios: number[] = [];
  for (const raw of list(query.get('smartcrops-aspect-ratios'))) {
    const ratio = Number(raw);
    if (!Number.isFinite(ratio) || ratio < LIMITS.minAspectRatio || ratio > LIMITS.maxAspectRatio) {
      return invalidRequest(
        'InvalidParameter',
        `Smart-crop aspect ratio "${raw}" is not supported; each must be between ${LIMITS.minAspectRatio} and ${LIMITS.maxAspectRatio}.`,
      );
    }
    aspectRatios.push(ratio);
  }

  const language = query.get('language') ?? 'en';
  if ((features.has('caption') || features.has('denseCaptions')) && language !== 'en') {
    return invalidRequest(
      'NotSupportedLanguage',
      `Captions are only available in English (en), not "${language}".`,
    );
  }
  const genderNeutral = query.get('gender-neutral-caption');
  if (genderNeutral !== undefined && !/^(true|false)$/i.test(genderNeutral)) {
    return invalidRequest(
      'InvalidParameter',
      `gender-neutral-caption must be true or false, not "${genderNeutral}".`,
    );
  }
  const modelVersion = query.get('model-version');
  if (modelVersion !== undefined && !/^(latest|\d{4}-\d{2}-\d{2}(-preview)?)$/.test(modelVersion)) {
    return invalidRequest(
      'InvalidModelVersion',
      `model-version must be "latest" or a date, not "${modelVersion}".`,
    );
  }
  return { features, aspectRatios };
}

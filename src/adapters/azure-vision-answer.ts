/**
 * Reads an Azure AI Vision answer into what the gate needs: 200 → the Analysis (smart crops
 * mapped back to the original image's pixels), 429 → throttled with the Retry-After the service
 * sent, 5xx and 408 → unavailable (the endpoint's problem), any other 4xx → rejected (the
 * image's or the request's problem). Pure, so every branch is tested without a network.
 */
import type { Analysis, SmartCrop, Tag } from '../domain/record';
import type { VisionCallResult } from '../ports/vision-service';

/** The parts of the service's ImageAnalysisResult this app keeps. */
interface AnalysisResultBody {
  captionResult?: { text?: unknown };
  tagsResult?: { values?: { name?: unknown; confidence?: unknown }[] };
  readResult?: { blocks?: { lines?: { text?: unknown }[] }[] };
  smartCropsResult?: {
    values?: { aspectRatio?: unknown; boundingBox?: Record<string, unknown> }[];
  };
  metadata?: { width?: unknown; height?: unknown };
}

/** How the sent image relates to the original: its size as sent and the original's, upright. */
export interface SentImage {
  readonly width: number;
  readonly height: number;
  readonly originalWidth: number;
  readonly originalHeight: number;
}

export type Headers = Readonly<Record<string, string | undefined>>;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const finite = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/**
 * Milliseconds to wait from a 429's headers: `retry-after-ms` / `x-ms-retry-after-ms` when sent,
 * else `Retry-After` as seconds or as an HTTP date. Undefined when none is usable.
 */
export function retryAfterMs(headers: Headers, now: number): number | undefined {
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const raw = headers[name]?.trim();
    if (raw !== undefined && /^\d+(\.\d+)?$/.test(raw)) return Math.round(Number(raw));
  }
  const raw = headers['retry-after']?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Math.round(Number(raw) * 1000);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The service's own words from an error body `{ error: { code, message, innererror } }`. */
export function errorMessage(status: number, body: unknown): string {
  const error = isObject(body) && isObject(body.error) ? body.error : undefined;
  const message = typeof error?.message === 'string' ? error.message.trim() : '';
  const inner = isObject(error?.innererror) ? error.innererror : undefined;
  const detail = typeof inner?.message === 'string' ? inner.message.trim() : '';
  if (message === '') return `Azure AI Vision answered ${status}`;
  return detail !== '' && detail !== message ? `${message} ${detail}` : message;
}

function cropInOriginal(
  value: { aspectRatio?: unknown; boundingBox?: Record<string, unknown> },
  sent: SentImage,
): SmartCrop | undefined {
  const box = value.boundingBox;
  const aspectRatio = finite(value.aspectRatio);
  const [x, y, w, h] = [box?.x, box?.y, box?.w, box?.h].map(finite);
  if (aspectRatio === undefined || x === undefined || y === undefined) return undefined;
  if (w === undefined || h === undefined) return undefined;
  const sx = sent.originalWidth / sent.width;
  const sy = sent.originalHeight / sent.height;
  const left = Math.min(sent.originalWidth, Math.max(0, Math.round(x * sx)));
  const top = Math.min(sent.originalHeight, Math.max(0, Math.round(y * sy)));
  return {
    aspectRatio,
    x: left,
    y: top,
    width: Math.min(sent.originalWidth - left, Math.round(w * sx)),
    height: Math.min(sent.originalHeight - top, Math.round(h * sy)),
  };
}

/** A 200 body as this app's Analysis; undefined when it is not an ImageAnalysisResult. */
export function toAnalysis(body: unknown, sent: SentImage): Analysis | undefined {
  if (!isObject(body) || !isObject(body.metadata)) return undefined;
  const result = body as AnalysisResultBody;
  const analysis: Analysis = { status: 'Completed', provider: 'azure' };
  const caption = result.captionResult?.text;
  if (typeof caption === 'string') analysis.caption = caption;
  if (Array.isArray(result.tagsResult?.values)) {
    analysis.tags = result.tagsResult.values.flatMap((tag): Tag[] => {
      const confidence = finite(tag.confidence);
      return typeof tag.name === 'string' && confidence !== undefined
        ? [{ name: tag.name, confidence }]
        : [];
    });
  }
  if (Array.isArray(result.readResult?.blocks)) {
    analysis.text = result.readResult.blocks
      .flatMap((block) => block.lines ?? [])
      .map((line) => (typeof line.text === 'string' ? line.text : ''))
      .filter((line) => line !== '')
      .join('\n');
  }
  if (Array.isArray(result.smartCropsResult?.values)) {
    analysis.smartCrops = result.smartCropsResult.values.flatMap((value) => {
      const crop = cropInOriginal(value, sent);
      return crop === undefined ? [] : [crop];
    });
  }
  return analysis;
}

export function classifyAnswer(
  status: number,
  body: unknown,
  headers: Headers,
  sent: SentImage,
  now: number,
): VisionCallResult {
  if (status === 200) {
    const analysis = toAnalysis(body, sent);
    return analysis === undefined
      ? { kind: 'unavailable', status, message: 'Azure AI Vision answered 200 without a result' }
      : { kind: 'ok', analysis };
  }
  const message = errorMessage(status, body);
  if (status === 429) {
    const wait = retryAfterMs(headers, now);
    return { kind: 'throttled', message, ...(wait === undefined ? {} : { retryAfterMs: wait }) };
  }
  // 408 is the service giving up on a slow request: a timeout, so the endpoint's problem.
  if (status >= 500 || status === 408 || status < 400) {
    return { kind: 'unavailable', status, message };
  }
  return { kind: 'rejected', status, message };
}

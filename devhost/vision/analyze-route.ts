/**
 * `POST {endpoint}/computervision/imageanalysis:analyze`: one call through the emulated service.
 * In order: route and api-version (404), credentials (401), outage, quota (429) and injected
 * faults (decided on arrival, answered after the added latency), then the request itself
 * (400/415) and the analysis (200). Every call is counted once and logged with what it carried.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { analyzeImage, inspectBody, isServiceError } from './analyze-image';
import { hasSupportedApiVersion, parseAnalyzeQuery } from './analyze-query';
import { LIMITS } from './contract';
import type { Outcome } from './counters';
import { readBody, resetConnection, sendJson, sleep } from './http-io';
import {
  internalServerError,
  invalidKey,
  invalidRequest,
  missingKey,
  resourceNotFound,
  serviceUnavailable,
  tooManyRequests,
  unsupportedMediaType,
  type ServiceError,
} from './service-errors';
import type { RequestLogEntry, VirtualEndpoint } from './virtual-endpoint';

/** Requests held open to emulate a timeout; the server drops them when it closes. */
export type HeldRequests = Set<IncomingMessage>;

type Details = Partial<
  Pick<RequestLogEntry, 'format' | 'width' | 'height' | 'features' | 'aspectRatios'>
>;

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(.*)$/i.exec(header(req, 'authorization') ?? '');
  return match?.[1];
}

/** What the call carried besides the image: JSON `{ url }` is not supported offline. */
function contentProblem(req: IncomingMessage, body: Buffer): ServiceError | undefined {
  const contentType = (header(req, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (contentType === 'application/octet-stream') return undefined;
  if (contentType === 'application/json') {
    let url: unknown;
    try {
      url = (JSON.parse(body.toString('utf8')) as { url?: unknown }).url;
    } catch {
      return invalidRequest('InvalidArgument', 'The request body is not valid JSON.');
    }
    return invalidRequest(
      'InvalidImageUrl',
      typeof url === 'string'
        ? 'Image URLs are not supported by the offline emulator; send the image bytes as application/octet-stream.'
        : 'The JSON body must be { "url": "..." }.',
    );
  }
  return unsupportedMediaType(contentType);
}

export async function handleAnalyze(
  endpoint: VirtualEndpoint,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  held: HeldRequests,
): Promise<void> {
  endpoint.arrived();
  let gone = false;
  res.once('close', () => {
    gone = true;
    held.delete(req);
    endpoint.left();
  });

  const { data, bytes } = await readBody(req, LIMITS.maxBytes);
  let identity: string | null = null;
  const answer = (error: ServiceError, outcome: Outcome): void => {
    endpoint.settle({ key: identity, status: error.status, outcome, bytes });
    sendJson(res, error.status, error.body, error.headers);
  };
  const drop = (outcome: 'reset' | 'timeout'): void => {
    endpoint.settle({ key: identity, status: null, outcome, bytes });
    if (outcome === 'reset') {
      resetConnection(req);
      return;
    }
    // Hold the call: no answer until the client gives up, or until timeoutSeconds pass.
    if (gone) return;
    held.add(req);
    const seconds = endpoint.timeoutSeconds;
    if (seconds > 0) {
      const timer = setTimeout(() => req.socket.destroy(), seconds * 1000);
      res.once('close', () => clearTimeout(timer));
    }
  };

  if (req.method !== 'POST' || !hasSupportedApiVersion(url.searchParams)) {
    answer(resourceNotFound(), 'rejected');
    return;
  }
  const who = endpoint.identify(
    header(req, 'ocp-apim-subscription-key') ??
      url.searchParams.get('subscription-key') ??
      undefined,
    bearerToken(req),
  );
  if ('refused' in who) {
    answer(who.refused === 'missing' ? missingKey() : invalidKey(), 'unauthorized');
    return;
  }
  identity = who.identity;

  const admission = endpoint.admit(who.identity);
  await sleep(endpoint.delayMs());
  switch (admission.kind) {
    case 'outage':
      if (admission.mode === '503') answer(serviceUnavailable(), 'error503');
      else drop(admission.mode);
      return;
    case 'quota': {
      const { perWindow, windowSeconds } = endpoint.quota;
      answer(
        tooManyRequests(
          admission.retryAfterSeconds,
          `the rate limit of this resource (${perWindow} calls per ${windowSeconds} seconds per key)`,
        ),
        'quota',
      );
      return;
    }
    case 'fault':
      switch (admission.fault) {
        case '429':
          answer(
            tooManyRequests(endpoint.retryAfterSeconds, 'the rate limit of this resource'),
            'throttled',
          );
          return;
        case '500':
          answer(internalServerError(), 'error500');
          return;
        case '503':
          answer(serviceUnavailable(), 'error503');
          return;
        case 'timeout':
        case 'reset':
          drop(admission.fault);
          return;
      }
      return;
    case 'serve':
      break;
  }

  try {
    await serve(endpoint, req, res, url, data, bytes, who.identity);
  } catch (error) {
    // A fault of the emulator itself: answer as the service would, and say why in the log.
    process.stderr.write(
      `vision emulator: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    answer(internalServerError(), 'error500');
  }
}

/** A call the emulator analyses: the request is checked, then the image. */
async function serve(
  endpoint: VirtualEndpoint,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  data: Buffer,
  bytes: number,
  identity: string,
): Promise<void> {
  let details: Details = {};
  const answer = (error: ServiceError): void => {
    endpoint.settle({
      key: identity,
      status: error.status,
      outcome: 'rejected',
      bytes,
      ...details,
    });
    sendJson(res, error.status, error.body, error.headers);
  };
  const problem = contentProblem(req, data);
  if (problem !== undefined) {
    answer(problem);
    return;
  }
  const request = parseAnalyzeQuery(url.searchParams);
  if (isServiceError(request)) {
    answer(request);
    return;
  }
  details = { features: [...request.features], aspectRatios: [...request.aspectRatios] };
  if (bytes >= LIMITS.maxBytes) {
    answer(
      invalidRequest(
        'InvalidImageSize',
        'Image size is too big.',
        `The image is ${bytes} bytes; it must be smaller than ${LIMITS.maxBytes} bytes.`,
      ),
    );
    return;
  }
  const image = await inspectBody(data);
  if (isServiceError(image)) {
    answer(image);
    return;
  }
  details = { ...details, format: image.format, width: image.width, height: image.height };
  const result = await analyzeImage(data, image, request);
  if (isServiceError(result)) {
    answer(result);
    return;
  }
  endpoint.settle({ key: identity, status: 200, outcome: 'ok', bytes, ...details });
  sendJson(res, 200, result);
}

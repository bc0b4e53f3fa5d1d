/**
 * VisionService over Azure AI Vision Image Analysis 4.0 (`@azure-rest/ai-vision-image-analysis`).
 *
 * One client per endpoint, authenticated with that endpoint's key (VISION_KEYS, same order) or,
 * when no keys are configured, with DefaultAzureCredential. Each call asks for caption, tags,
 * read and smart crops on an image first brought within the service's limits.
 *
 * Retries are off in the SDK's pipeline: one analyze() is exactly one HTTP request, so the gate
 * sees every 429 and 5xx and alone decides when to try again. Each call has a deadline; a call
 * that misses it, or cannot connect, counts as `unavailable`.
 */
import createClient, { type ImageAnalysisClient } from '@azure-rest/ai-vision-image-analysis';
import { ConfigError, type VisionConfig } from '../config';
import type { VisionCallResult, VisionService } from '../ports/vision-service';
import { classifyAnswer } from './azure-vision-answer';
import { prepareForVision } from './azure-vision-image';
import { defaultAzureCredential } from './azure-credential';

type VisionCredential = Parameters<typeof createClient>[1];

export interface AzureVisionServiceOptions {
  /** Deadline of one call, after which it is abandoned as unavailable. Default 30 s. */
  timeoutMs?: number;
  /** Longest side sent to the service; larger images are scaled down. Default 2048. */
  maxLongEdge?: number;
  /** Smart-crop aspect ratios asked for, each from 0.75 to 1.8. Default [1] (square thumbs). */
  smartCropAspectRatios?: readonly number[];
  /** Decode cap (width × height), as MAX_INPUT_PIXELS. Default 50,000,000. */
  maxInputPixels?: number;
  /** Used when VISION_KEYS is empty. Default: DefaultAzureCredential, loaded on first use. */
  credential?: Exclude<VisionCredential, { key: string }>;
  /** Default 2024-02-01, a GA version of Image Analysis 4.0. */
  apiVersion?: string;
}

export const VISION_DEFAULTS = {
  timeoutMs: 30_000,
  maxLongEdge: 2048,
  smartCropAspectRatios: [1] as readonly number[],
  maxInputPixels: 50_000_000,
  apiVersion: '2024-02-01',
};

/** Feature names as the SDK's documentation spells them; the service ignores their case. */
const FEATURES = ['Caption', 'Tags', 'Read', 'SmartCrops'];

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

const normalise = (endpoint: string): string => endpoint.replace(/\/+$/, '');

/** Plain http only reaches this machine: a local emulator, never a key sent over a network. */
function isLoopbackHttp(endpoint: string): boolean {
  const url = new URL(endpoint);
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

function createEndpointClient(
  endpoint: string,
  credential: VisionCredential,
  apiVersion: string,
): ImageAnalysisClient {
  const client = createClient(endpoint, credential, {
    apiVersion,
    retryOptions: { maxRetries: 0 },
    allowInsecureConnection: isLoopbackHttp(endpoint),
  });
  // maxRetries 0 already stops retries; removing the retry phase makes sure no policy added by
  // a later SDK version (throttling, system errors) sends a second request behind our back.
  client.pipeline.removePolicy({ phase: 'Retry' });
  return client;
}

export function createAzureVisionService(
  vision: Pick<VisionConfig, 'endpoints' | 'keys'>,
  options: AzureVisionServiceOptions = {},
): VisionService {
  const settings = {
    timeoutMs: options.timeoutMs ?? VISION_DEFAULTS.timeoutMs,
    maxLongEdge: options.maxLongEdge ?? VISION_DEFAULTS.maxLongEdge,
    smartCropAspectRatios: options.smartCropAspectRatios ?? VISION_DEFAULTS.smartCropAspectRatios,
    maxInputPixels: options.maxInputPixels ?? VISION_DEFAULTS.maxInputPixels,
    apiVersion: options.apiVersion ?? VISION_DEFAULTS.apiVersion,
  };
  if (settings.smartCropAspectRatios.some((ratio) => !(ratio >= 0.75 && ratio <= 1.8))) {
    throw new RangeError('smart-crop aspect ratios must be between 0.75 and 1.8');
  }
  const { endpoints, keys } = vision;
  if (keys.length > 0 && keys.length !== endpoints.length) {
    throw new ConfigError('VISION_KEYS', `must list one key per endpoint (${endpoints.length})`);
  }
  for (const endpoint of endpoints) {
    if (!endpoint.startsWith('https://') && !isLoopbackHttp(endpoint)) {
      throw new ConfigError('VISION_ENDPOINTS', `must be https (or http on loopback): ${endpoint}`);
    }
  }
  if (keys.length === 0 && endpoints.some(isLoopbackHttp)) {
    // The SDK refuses to send a bearer token over plain http; say so before the first image.
    throw new ConfigError('VISION_KEYS', 'is required for http:// endpoints (tokens need https)');
  }
  const clients = new Map<string, ImageAnalysisClient>();
  endpoints.forEach((endpoint, i) => {
    const key = keys[i];
    const credential: VisionCredential =
      key !== undefined ? { key } : (options.credential ?? defaultAzureCredential());
    clients.set(
      normalise(endpoint),
      createEndpointClient(endpoint, credential, settings.apiVersion),
    );
  });

  return {
    endpoints,

    async analyze(endpoint: string, image: Buffer): Promise<VisionCallResult> {
      const client = clients.get(normalise(endpoint));
      if (client === undefined) {
        throw new Error(`${endpoint} is not one of the configured Vision endpoints`);
      }
      const prepared = await prepareForVision(image, settings);
      if (prepared.kind === 'unsendable') {
        return { kind: 'rejected', status: 400, message: prepared.message };
      }
      const deadline = new AbortController();
      const timer = setTimeout(() => deadline.abort(), settings.timeoutMs);
      try {
        const response = await client.path('/imageanalysis:analyze').post({
          body: prepared.body,
          contentType: 'application/octet-stream',
          queryParameters: {
            features: FEATURES,
            'smartcrops-aspect-ratios': [...settings.smartCropAspectRatios],
            language: 'en',
            'gender-neutral-caption': true,
          },
          abortSignal: deadline.signal,
        });
        return classifyAnswer(
          Number(response.status),
          response.body,
          response.headers,
          prepared,
          Date.now(),
        );
      } catch (error) {
        if (deadline.signal.aborted) {
          return {
            kind: 'unavailable',
            message: `Azure AI Vision did not answer within ${settings.timeoutMs} ms`,
          };
        }
        return {
          kind: 'unavailable',
          message: `Azure AI Vision could not be reached: ${messageOf(error)}`,
        };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/**
 * One call to an Azure AI Vision Image Analysis 4.0 endpoint, with every outcome the gate needs
 * to tell apart. The adapter never retries and never throws for a service answer: retries and
 * pacing belong to the orchestrator and the shared gate, which must see every 429 and 5xx.
 */
import type { Analysis } from '../domain/record';

export type VisionCallResult =
  /** The service analysed the image. */
  | { readonly kind: 'ok'; readonly analysis: Analysis }
  /** 429: the endpoint's quota is spent; `retryAfterMs` from the Retry-After header when sent. */
  | { readonly kind: 'throttled'; readonly retryAfterMs?: number; readonly message: string }
  /** 5xx, a timeout or a connection error: the endpoint's problem, counted by the breaker. */
  | { readonly kind: 'unavailable'; readonly status?: number; readonly message: string }
  /** Any other 4xx: the image's problem (too small, bad format); not the endpoint's fault. */
  | { readonly kind: 'rejected'; readonly status: number; readonly message: string };

export interface VisionService {
  /** Endpoints in configuration order; a call names one of them. */
  readonly endpoints: readonly string[];
  /**
   * Scales the image down to the service's limits when needed and asks for caption, tags, read
   * and smart crops. Throws only for an image that cannot be decoded (`AppError` CORRUPT_IMAGE).
   */
  analyze(endpoint: string, image: Buffer): Promise<VisionCallResult>;
}

/**
 * Configuration, parsed once from the environment (Azure app settings or devhost's env) and passed
 * to whatever needs it. A bad value stops the app at load time with the variable's name, rather
 * than failing the first upload minutes later.
 */
import { ANALYZER_KINDS, type AnalyzerKind } from './domain/record';
import { VARIANT_FORMATS, type VariantFormat } from './domain/pipeline/variants';
import { gateRefs, type VisionPlan } from './domain/gate/endpoints';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
  }
}

/** Where the images' blob storage is and how to authenticate to it. */
export type StorageConfig =
  | { readonly kind: 'connectionString'; readonly connectionString: string }
  | { readonly kind: 'identity'; readonly accountUrl: string };

export interface CosmosConfig {
  readonly endpoint: string;
  /** Absent: authenticate with DefaultAzureCredential. */
  readonly key?: string;
  readonly database: string;
  readonly container: string;
}

export interface VisionConfig {
  readonly endpoints: readonly string[];
  /** Same order as endpoints; empty: authenticate with DefaultAzureCredential. */
  readonly keys: readonly string[];
  readonly callsPerMinute: number;
  readonly breakerFailures: number;
  readonly breakerSeconds: number;
  /** How long an image may wait for a slot or a recovery before its analysis is deferred. */
  readonly maxWaitSeconds: number;
  /** Service calls per image (429s and failures included) before its analysis is deferred. */
  readonly maxAttempts: number;
}

export interface ReprocessConfig {
  /** When the resumeDeferredAnalyses timer runs (`RESUME_DEFERRED_SCHEDULE`, NCRONTAB). */
  readonly resumeDeferredSchedule: string;
  /**
   * Images a reprocessing batch starts before it continues as new with a fresh history
   * (`REPROCESS_CHILDREN_PER_GENERATION`, default 200, at most 1000).
   */
  readonly childrenPerGeneration: number;
}

/** The image lifecycle sweeps: history retention and reconciliation of stalled records. */
export interface LifecycleConfig {
  /**
   * Finished orchestration history older than this many days is purged
   * (`HISTORY_RETENTION_DAYS`, default 30; fractions allowed; 0 keeps everything).
   */
  readonly historyRetentionDays: number;
  /** When the purgeOldHistory timer runs (`HISTORY_PURGE_SCHEDULE`, NCRONTAB). */
  readonly historyPurgeSchedule: string;
  /**
   * A record Accepted, or Processing without a live orchestration, this many minutes after its
   * last change is reconciled (`STALL_MINUTES`, default 10; fractions allowed).
   */
  readonly stallMinutes: number;
  /** When the reconcileStalledImages timer runs (`RECONCILE_SCHEDULE`, NCRONTAB). */
  readonly reconcileSchedule: string;
}

/** Thresholds of the local analyzer. */
export interface LocalAnalysisConfig {
  /** Tesseract word confidence (0..100) a word needs to be reported (`OCR_MIN_CONFIDENCE`). */
  readonly ocrMinConfidence: number;
  /** Adult or racy score (0..1) from which moderation is flagged (`MODERATION_THRESHOLD`). */
  readonly moderationThreshold: number;
}

export interface AppConfig {
  readonly storage: StorageConfig;
  readonly cosmos: CosmosConfig;
  readonly analyzer: AnalyzerKind;
  readonly localAnalysis: LocalAnalysisConfig;
  readonly vision: VisionConfig;
  readonly maxUploadBytes: number;
  /** How long an upload URL stays valid (`UPLOAD_URL_TTL_SECONDS`, default 600, at most 7 days). */
  readonly uploadUrlTtlSeconds: number;
  readonly maxInputPixels: number;
  readonly variantFormat: VariantFormat;
  readonly reprocess: ReprocessConfig;
  readonly lifecycle: LifecycleConfig;
}

/** What orchestrations need to analyse through the gates (they read no configuration). */
export function visionPlanOf(vision: VisionConfig): VisionPlan {
  return {
    gates: gateRefs(vision.endpoints),
    settings: {
      callsPerMinute: vision.callsPerMinute,
      breakerFailures: vision.breakerFailures,
      breakerSeconds: vision.breakerSeconds,
    },
    maxWaitMs: vision.maxWaitSeconds * 1000,
    maxAttempts: vision.maxAttempts,
  };
}

export type Env = Readonly<Record<string, string | undefined>>;

const MIB = 1024 * 1024;
/** The longest a user delegation SAS may live. */
const MAX_SAS_SECONDS = 7 * 24 * 60 * 60;

function value(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw === undefined || raw === '' ? undefined : raw;
}

function required(env: Env, name: string): string {
  const raw = value(env, name);
  if (raw === undefined) throw new ConfigError(name, 'is required but not set');
  return raw;
}

function positiveInt(env: Env, name: string, fallback: number): number {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  const parsed = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(parsed) || parsed < 1) {
    throw new ConfigError(name, `must be a positive integer, got "${raw}"`);
  }
  return parsed;
}

/** A decimal number of at least `min` (`0`, `30`, `0.5`); fractions let a test use seconds. */
function decimal(env: Env, name: string, fallback: number, min: number): number {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  const parsed = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isFinite(parsed) || parsed < min) {
    throw new ConfigError(name, `must be a number of at least ${min}, got "${raw}"`);
  }
  return parsed;
}

function positiveDecimal(env: Env, name: string, fallback: number): number {
  const parsed = decimal(env, name, fallback, 0);
  if (parsed === 0) throw new ConfigError(name, 'must be above 0, got "0"');
  return parsed;
}

function boundedInt(env: Env, name: string, fallback: number, max: number): number {
  const parsed = positiveInt(env, name, fallback);
  if (parsed > max) throw new ConfigError(name, `must be at most ${max}, got "${parsed}"`);
  return parsed;
}

function fraction(env: Env, name: string, fallback: number): number {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  const parsed = /^(0(\.\d+)?|1(\.0+)?)$/.test(raw) ? Number(raw) : NaN;
  if (!(parsed > 0))
    throw new ConfigError(name, `must be a number above 0 and at most 1, got "${raw}"`);
  return parsed;
}

function choice<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  const match = allowed.find((candidate) => candidate === raw.toLowerCase());
  if (match === undefined) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return match;
}

function httpUrl(name: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be an http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(name, `must be an http(s) URL, got "${raw}"`);
  }
  return raw;
}

function list(env: Env, name: string): string[] {
  const raw = value(env, name);
  if (raw === undefined) return [];
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function storage(env: Env): StorageConfig {
  const main = value(env, 'AzureWebJobsStorage');
  if (main !== undefined) {
    return /^https?:\/\//i.test(main)
      ? { kind: 'identity', accountUrl: httpUrl('AzureWebJobsStorage', main) }
      : { kind: 'connectionString', connectionString: main };
  }
  // Identity-based connections in Azure use the double-underscore settings instead.
  const serviceUri = value(env, 'AzureWebJobsStorage__blobServiceUri');
  if (serviceUri !== undefined) {
    return {
      kind: 'identity',
      accountUrl: httpUrl('AzureWebJobsStorage__blobServiceUri', serviceUri),
    };
  }
  const account = value(env, 'AzureWebJobsStorage__accountName');
  if (account !== undefined) {
    if (!/^[a-z0-9]{3,24}$/.test(account)) {
      throw new ConfigError('AzureWebJobsStorage__accountName', `is not a storage account name`);
    }
    return { kind: 'identity', accountUrl: `https://${account}.blob.core.windows.net` };
  }
  throw new ConfigError('AzureWebJobsStorage', 'is required but not set');
}

/** Six NCRONTAB fields (second first), or a TimeSpan interval such as `00:05:00` or `1.00:00:00`. */
function schedule(env: Env, name: string, fallback: string): string {
  const raw = value(env, name) ?? fallback;
  const fields = raw.split(/\s+/);
  const cron = fields.length === 6 && fields.every((field) => /^[0-9A-Za-z*/,-]+$/.test(field));
  const interval = /^(\d+\.)?\d{1,2}:\d{2}:\d{2}$/.test(raw);
  if (!cron && !interval) {
    throw new ConfigError(
      name,
      `must be an NCRONTAB expression with six fields (e.g. "0 */5 * * * *") or [d.]hh:mm:ss, got "${raw}"`,
    );
  }
  return raw;
}

function cosmosName(env: Env, name: string, fallback: string): string {
  const raw = value(env, name) ?? fallback;
  if (!/^[^/\\#?]{1,255}$/.test(raw)) {
    throw new ConfigError(name, `must be 1-255 characters without / \\ # ?, got "${raw}"`);
  }
  return raw;
}

export function loadConfig(env: Env): AppConfig {
  const visionEndpoints = list(env, 'VISION_ENDPOINTS').map((endpoint) =>
    httpUrl('VISION_ENDPOINTS', endpoint),
  );
  const gateIds = gateRefs(visionEndpoints).map((gate) => gate.id);
  const repeated = gateIds.find((id, index) => gateIds.indexOf(id) !== index);
  if (repeated !== undefined) {
    throw new ConfigError('VISION_ENDPOINTS', `lists the same endpoint twice (${repeated})`);
  }
  const visionKeys = list(env, 'VISION_KEYS');
  if (visionKeys.length > 0 && visionKeys.length !== visionEndpoints.length) {
    throw new ConfigError(
      'VISION_KEYS',
      `must list one key per VISION_ENDPOINTS entry (${visionEndpoints.length}), got ${visionKeys.length}`,
    );
  }
  const analyzer = choice(
    env,
    'ANALYZER',
    ANALYZER_KINDS,
    visionEndpoints.length > 0 ? 'azure' : 'local',
  );
  if (analyzer === 'azure' && visionEndpoints.length === 0) {
    throw new ConfigError('VISION_ENDPOINTS', 'is required when ANALYZER is azure');
  }
  const key = value(env, 'COSMOS_KEY');
  return {
    storage: storage(env),
    cosmos: {
      endpoint: httpUrl('COSMOS_ENDPOINT', required(env, 'COSMOS_ENDPOINT')),
      ...(key === undefined ? {} : { key }),
      database: cosmosName(env, 'COSMOS_DATABASE', 'images'),
      container: cosmosName(env, 'COSMOS_CONTAINER', 'records'),
    },
    analyzer,
    localAnalysis: {
      ocrMinConfidence: boundedInt(env, 'OCR_MIN_CONFIDENCE', 70, 100),
      moderationThreshold: fraction(env, 'MODERATION_THRESHOLD', 0.6),
    },
    vision: {
      endpoints: visionEndpoints,
      keys: visionKeys,
      callsPerMinute: positiveInt(env, 'VISION_CALLS_PER_MINUTE', 20),
      breakerFailures: positiveInt(env, 'VISION_BREAKER_FAILURES', 5),
      breakerSeconds: positiveInt(env, 'VISION_BREAKER_SECONDS', 30),
      maxWaitSeconds: positiveInt(env, 'VISION_MAX_WAIT_SECONDS', 900),
      maxAttempts: positiveInt(env, 'VISION_MAX_ATTEMPTS', 6),
    },
    maxUploadBytes: positiveInt(env, 'MAX_UPLOAD_BYTES', 20 * MIB),
    uploadUrlTtlSeconds: boundedInt(env, 'UPLOAD_URL_TTL_SECONDS', 600, MAX_SAS_SECONDS),
    maxInputPixels: positiveInt(env, 'MAX_INPUT_PIXELS', 50_000_000),
    variantFormat: choice(env, 'VARIANT_FORMAT', VARIANT_FORMATS, 'webp'),
    reprocess: {
      resumeDeferredSchedule: schedule(env, 'RESUME_DEFERRED_SCHEDULE', '0 */1 * * * *'),
      childrenPerGeneration: boundedInt(env, 'REPROCESS_CHILDREN_PER_GENERATION', 200, 1000),
    },
    lifecycle: {
      historyRetentionDays: decimal(env, 'HISTORY_RETENTION_DAYS', 30, 0),
      historyPurgeSchedule: schedule(env, 'HISTORY_PURGE_SCHEDULE', '0 17 * * * *'),
      stallMinutes: positiveDecimal(env, 'STALL_MINUTES', 10),
      reconcileSchedule: schedule(env, 'RECONCILE_SCHEDULE', '0 */5 * * * *'),
    },
  };
}

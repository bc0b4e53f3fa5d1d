/**
 * The parts of the server's JSON the CLI prints. Every field is optional: the CLI prints what is
 * there and a dash for the rest, so an older or newer server never makes it crash.
 */

export interface ErrorInfo {
  code?: string;
  message?: string;
}

export interface ImageStep {
  name?: string;
  status?: string;
  attempts?: number;
  startedAt?: string | null;
  completedAt?: string | null;
  error?: ErrorInfo;
}

export interface ImageRecord {
  id?: string;
  status?: string;
  createdAt?: string;
  updatedAt?: string;
  source?: {
    filename?: string;
    format?: string;
    width?: number;
    height?: number;
    bytes?: number;
  };
  variants?: { name?: string; width?: number; height?: number; bytes?: number }[];
  analysis?: { status?: string; provider?: string };
  steps?: ImageStep[];
  error?: ErrorInfo;
  orchestration?: { instanceId?: string | null; runtimeStatus?: string };
  /** The earlier upload of the same bytes whose results this image took over. */
  reusedFrom?: { id?: string; processingSpec?: string };
}

export interface Page<T> {
  items?: T[];
  continuationToken?: string | null;
}

export interface OrchestrationItem {
  instanceId?: string;
  name?: string;
  runtimeStatus?: string;
  createdTime?: string;
  lastUpdatedTime?: string;
  output?: unknown;
}

export interface TimelineEntry {
  kind?: string;
  name?: string;
  attempt?: number;
  scheduledAt?: string | null;
  completedAt?: string | null;
  durationMs?: number | null;
  status?: string;
  target?: string;
  input?: string;
  output?: string;
  error?: string;
}

export interface OrchestrationDetails extends OrchestrationItem {
  timeline?: TimelineEntry[];
}

export interface BatchProgress {
  batchId?: string;
  total?: number;
  completed?: number;
  failed?: number;
  running?: number;
  status?: string;
}

export interface Gate {
  endpoint?: string;
  id?: string;
  circuit?: string;
  configuredPerMinute?: number;
  ratePerMinute?: number;
  tokens?: number;
  nextSlotAt?: string | null;
  pausedUntil?: string | null;
  openUntil?: string | null;
  counters?: Record<string, unknown>;
}

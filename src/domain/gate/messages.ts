/**
 * The gate's wire format: entity operation inputs checked at the entity's door, and the messages
 * of the analyze-through-gate flow. A malformed operation is refused with a readable error that
 * reaches the caller, and the gate's state is left as it was.
 */
import { AppError } from '../errors';
import type { Analysis } from '../record';
import type { VisionGateRef, VisionPlan } from './endpoints';
import type { CallOutcome, GateOperation, GateSettings } from './vision-gate';
import {
  isObject,
  type Json,
  objectField,
  oneOf,
  positiveIntField,
  stringField,
} from '../pipeline/validate';

const OUTCOMES: readonly CallOutcome[] = ['ok', 'throttled', 'unavailable', 'rejected'];

function time(source: Json, key: string, what: string): number {
  const value = source[key];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new AppError('INVALID_INPUT', `${what}.${key} must be a time in epoch milliseconds`);
  }
  return value;
}

function nonNegative(source: Json, key: string, what: string): number | undefined {
  const value = source[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new AppError('INVALID_INPUT', `${what}.${key} must be a non-negative number`);
  }
  return value;
}

export function parseGateSettings(value: unknown, what = 'settings'): GateSettings {
  const source = objectField(value, what);
  return {
    callsPerMinute: positiveIntField(source, 'callsPerMinute', `${what}.callsPerMinute`),
    breakerFailures: positiveIntField(source, 'breakerFailures', `${what}.breakerFailures`),
    breakerSeconds: positiveIntField(source, 'breakerSeconds', `${what}.breakerSeconds`),
  };
}

export function parseGateOperation(name: string, input: unknown): GateOperation {
  const what = `visionGate ${name}`;
  const source = objectField(input, what);
  const now = time(source, 'now', what);
  switch (name) {
    case 'acquire': {
      const maxWaitMs = nonNegative(source, 'maxWaitMs', what);
      return {
        type: 'acquire',
        now,
        settings: parseGateSettings(source.settings, `${what}.settings`),
        ...(maxWaitMs === undefined ? {} : { maxWaitMs }),
      };
    }
    case 'report': {
      const seq = source.seq;
      if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) {
        throw new AppError('INVALID_INPUT', `${what}.seq must be a slot number`);
      }
      const retryAfterMs = nonNegative(source, 'retryAfterMs', what);
      const calledAt = nonNegative(source, 'calledAt', what);
      return {
        type: 'report',
        now,
        requestId: stringField(source, 'requestId', `${what}.requestId`),
        seq,
        outcome: oneOf(source, 'outcome', OUTCOMES, `${what}.outcome`),
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        ...(calledAt === undefined ? {} : { calledAt }),
      };
    }
    case 'reset':
      return source.settings === undefined
        ? { type: 'reset', now }
        : { type: 'reset', now, settings: parseGateSettings(source.settings, `${what}.settings`) };
    default:
      throw new AppError('INVALID_INPUT', `visionGate has no operation "${name}"`);
  }
}

/** Input of the analyzeThroughGate orchestrator. */
export interface AnalyzeThroughGateInput {
  imageId: string;
  blobName: string;
  vision: VisionPlan;
}

/** Input of the callVision activity: one slot's use. */
export interface CallVisionInput {
  gate: VisionGateRef;
  seq: number;
  blobName: string;
}

/** What callVision did with the slot. */
export type CallVisionOutput =
  /** Not yet: the gate re-planned this slot (a pause, an open circuit) to `until`. */
  | { kind: 'wait'; until: number; reason: string }
  | { kind: 'called'; calledAt: number; outcome: 'ok'; analysis: Analysis }
  | {
      kind: 'called';
      calledAt: number;
      outcome: 'throttled';
      retryAfterMs?: number;
      message: string;
    }
  | { kind: 'called'; calledAt: number; outcome: 'unavailable' | 'rejected'; message: string }
  /** The source blob is gone or undecodable: nothing the service could do about it. */
  | { kind: 'unusable'; code: 'SOURCE_NOT_FOUND' | 'CORRUPT_IMAGE'; message: string };

export function parseVisionPlan(value: unknown): VisionPlan {
  const source = objectField(value, 'vision');
  const gates = source.gates;
  if (!Array.isArray(gates) || gates.length === 0) {
    throw new AppError('INVALID_INPUT', 'vision.gates must list at least one endpoint');
  }
  return {
    gates: gates.map((gate) => {
      const ref = objectField(gate, 'vision.gates[]');
      return { id: stringField(ref, 'id'), endpoint: stringField(ref, 'endpoint') };
    }),
    settings: parseGateSettings(source.settings, 'vision.settings'),
    maxWaitMs: positiveIntField(source, 'maxWaitMs', 'vision.maxWaitMs'),
    maxAttempts: positiveIntField(source, 'maxAttempts', 'vision.maxAttempts'),
  };
}

export function parseAnalyzeThroughGateInput(value: unknown): AnalyzeThroughGateInput {
  const source = objectField(value, 'analyzeThroughGate input');
  return {
    imageId: stringField(source, 'imageId'),
    blobName: stringField(source, 'blobName'),
    vision: parseVisionPlan(source.vision),
  };
}

export function parseCallVisionInput(value: unknown): CallVisionInput {
  const source = objectField(value, 'callVision input');
  const gate = objectField(source.gate, 'callVision gate');
  const seq = source.seq;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) {
    throw new AppError('INVALID_INPUT', 'callVision seq must be a slot number');
  }
  return {
    gate: { id: stringField(gate, 'id'), endpoint: stringField(gate, 'endpoint') },
    seq,
    blobName: stringField(source, 'blobName'),
  };
}

export function isGateState(value: unknown): boolean {
  return isObject(value) && value.version === 1 && isObject(value.plan);
}

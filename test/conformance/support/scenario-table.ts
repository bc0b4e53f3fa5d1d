/**
 * The conformance suite's table form: each scenario names a real orchestrator (registered with
 * df.app in the test file), what a test does while it runs, and what must come out: runtime
 * status, output or failure message, and the shape of the history (event types in order, without
 * the OrchestratorStarted/Completed markers that only show where episodes begin and end).
 */
import { eventTypeName, type HistoryEvent } from '../../../devhost/durable/history';
import type {
  OrchestrationState,
  RuntimeStatus,
} from '../../../devhost/durable/orchestration-state';
import { DurableHarness, type HarnessOptions } from '../../../devhost/testing/durable-harness';
import { durableClient, type DurableClient } from './durable-client';

export interface ScenarioRun {
  h: DurableHarness;
  client: DurableClient;
  instanceId: string;
}

export interface ScenarioResult extends ScenarioRun {
  state: OrchestrationState;
  output: unknown;
}

export interface Scenario {
  /** What the scenario shows; the test's title. */
  name: string;
  orchestrator: string;
  input?: unknown;
  instanceId?: string;
  /** Runs before the instance starts (e.g. to arm a storage fault for it). */
  before?: (h: DurableHarness) => void | Promise<void>;
  /** What the test does while the instance runs: raise events, open gates, suspend... */
  drive?: (run: ScenarioRun) => Promise<void>;
  status: RuntimeStatus;
  /** Compared with toEqual. */
  output?: unknown;
  /** Matched against the failure message of a Failed instance. */
  failure?: RegExp;
  /** The exact sequence of event types. */
  history?: string[];
  /** An ordered subsequence of the event types, where timing makes the full order vary. */
  historyIncludes?: string[];
  /** Anything else the scenario asserts. */
  check?: (result: ScenarioResult) => void | Promise<void>;
  timeoutMs?: number;
}

const MARKERS = new Set(['OrchestratorStarted', 'OrchestratorCompleted']);

/** Event type names in order, episode markers left out. */
export function historyShape(events: HistoryEvent[]): string[] {
  return events.map((e) => eventTypeName(e.EventType)).filter((name) => !MARKERS.has(name));
}

/** Whether `expected` occurs in `actual` in order (not necessarily adjacent). */
export function isSubsequence(expected: string[], actual: string[]): boolean {
  let i = 0;
  for (const name of actual) if (i < expected.length && name === expected[i]) i++;
  return i === expected.length;
}

export function count(events: HistoryEvent[], type: string): number {
  return historyShape(events).filter((name) => name === type).length;
}

/** `n` copies of a group of event types, for repeated shapes such as retry attempts. */
export function times(n: number, ...group: string[]): string[] {
  return Array.from({ length: n }, () => group).flat();
}

export async function runScenario(h: DurableHarness, s: Scenario): Promise<ScenarioResult> {
  await s.before?.(h);
  const instanceId = await h.startOrchestration(s.orchestrator, s.input, s.instanceId);
  const run: ScenarioRun = { h, client: durableClient(h), instanceId };
  await s.drive?.(run);
  const state = await h.waitForCompletion(instanceId, s.timeoutMs ?? 15_000);
  const result: ScenarioResult = { ...run, state, output: h.output(state) };

  expect(state.status).toBe(s.status);
  if ('output' in s) expect(result.output).toEqual(s.output);
  if (s.failure) expect(state.failure?.message).toMatch(s.failure);
  const shape = historyShape(state.history);
  if (s.history) expect(shape).toEqual(s.history);
  if (s.historyIncludes && !isSubsequence(s.historyIncludes, shape)) {
    throw new Error(
      `History ${JSON.stringify(shape)} does not contain ${JSON.stringify(s.historyIncludes)} in order.`,
    );
  }
  await s.check?.(result);
  return result;
}

/** One describe block over a fresh in-memory hub (with its Durable API listening) per table. */
export function describeScenarios(
  title: string,
  scenarios: Scenario[],
  options: HarnessOptions = {},
): void {
  describe(title, () => {
    let h: DurableHarness;
    beforeAll(async () => {
      h = await new DurableHarness(undefined, options).start();
      await h.listen();
    });
    afterAll(() => h.stop());

    it.each(scenarios)('$name', async (scenario) => {
      await runScenario(h, scenario);
    });
  });
}

/**
 * Named moments in the task hub's work where a durability test may end the process, to prove
 * that a crash exactly there loses nothing and repeats nothing. Each sits right after a commit
 * and before anything else acts on it, except the first, which sits inside one.
 */
export const FAULT_POINTS = [
  /** An orchestration step wrote its work items and messages, not yet its state row: it has not happened. */
  'before-orchestration-state',
  /** An activity's result is stored; its orchestration has not run the next step yet. */
  'after-activity-result',
  /** An orchestration step is stored; its activities and messages are not dispatched yet. */
  'after-orchestration-step',
  /** An entity batch is stored; its responses and signals are not sent yet. */
  'after-entity-batch',
] as const;

export type FaultPoint = (typeof FAULT_POINTS)[number];

/** Called at each point with the function the work belongs to; normally absent. */
export type FaultHook = (point: FaultPoint, functionName: string) => void;

/** Names of the functions the engine benchmark registers (bench/engine-functions.ts). */
export const BenchFunctions = {
  /** Activity: input ignored, returns null. */
  noop: 'benchNoop',
  /** Orchestration: calls `noop` once and returns its result. */
  oneActivity: 'benchOneActivity',
  /** Orchestration: input n; calls `noop` n times with Task.all, returns how many finished. */
  fanOut: 'benchFanOut',
} as const;

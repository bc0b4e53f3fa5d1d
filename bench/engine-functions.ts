/**
 * The engine benchmark's functions, registered through the real durable-functions SDK. Loading
 * this module registers them, so it must be loaded after `@azure/functions-core` is installed.
 */
import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import { BenchFunctions } from './engine-names';

df.app.activity(BenchFunctions.noop, { handler: () => null });

df.app.orchestration(BenchFunctions.oneActivity, function* (context: OrchestrationContext) {
  const result: unknown = yield context.df.callActivity(BenchFunctions.noop);
  return result;
});

df.app.orchestration(BenchFunctions.fanOut, function* (context: OrchestrationContext) {
  const n = context.df.getInput<number>();
  const tasks = Array.from({ length: n }, (_, i) =>
    context.df.callActivity(BenchFunctions.noop, i),
  );
  const results = (yield context.df.Task.all(tasks)) as unknown[];
  return results.length;
});

/**
 * The analysis of one image as a single durable task, so callers can fan it out next to the
 * resizes. Every orchestrator that analyses an image (uploads and reprocessing) goes through
 * here, so they all take the same path to the analysis service.
 *
 * Replayed code: no I/O, no clock, no randomness, no configuration.
 */
import type * as df from 'durable-functions';
import type { OrchestrationContext, Task } from 'durable-functions';
import type { AnalyzeImageInput } from '../domain/pipeline';
import { Activities } from '../names';

export function analysisTask(
  context: OrchestrationContext,
  retry: df.RetryOptions,
  input: AnalyzeImageInput,
): Task {
  return context.df.callActivityWithRetry(Activities.analyzeImage, retry, input);
}

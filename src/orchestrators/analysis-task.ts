/**
 * The analysis of one image as a single durable task, so callers can fan it out next to the
 * resizes. Every orchestrator that analyses an image (uploads and reprocessing) goes through
 * here, so they all take the same path to the analysis service: the local analyzer as an
 * activity, Azure AI Vision as an analyzeThroughGate sub-orchestration paced by the shared gate.
 *
 * Replayed code: no I/O, no clock, no randomness, no configuration.
 */
import type * as df from 'durable-functions';
import type { OrchestrationContext, Task } from 'durable-functions';
import type { AnalyzeImageInput } from '../domain/pipeline/pipeline';
import type { VisionPlan } from '../domain/gate/endpoints';
import type { AnalyzeThroughGateInput } from '../domain/gate/messages';
import { Activities, Orchestrators } from '../names';

/** The analysis sub-orchestration's id: one per parent run, so a replay finds the same child. */
export function analysisInstanceId(parentInstanceId: string): string {
  return `${parentInstanceId}-analysis`;
}

export function analysisTask(
  context: OrchestrationContext,
  retry: df.RetryOptions,
  input: AnalyzeImageInput,
  vision?: VisionPlan,
): Task {
  if (input.provider === 'azure' && vision !== undefined) {
    return context.df.callSubOrchestrator(
      Orchestrators.analyzeThroughGate,
      {
        imageId: input.imageId,
        blobName: input.blobName,
        vision,
      } satisfies AnalyzeThroughGateInput,
      analysisInstanceId(context.df.instanceId),
    );
  }
  return context.df.callActivityWithRetry(Activities.analyzeImage, retry, input);
}

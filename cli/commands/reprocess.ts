/**
 * `reprocess`: POST /api/ops/reprocess, then GET /api/ops/reprocess/{batchId} every second
 * until the batch is Completed, Failed or Canceled, with a live bar on a terminal and a line
 * per change elsewhere. Exit code 0 only when the batch completed. `--dry-run` prints the
 * matching image ids instead. With `--json`: the start answer, then the final progress, one
 * JSON document per line.
 */
import { ConnectionError } from '../api-error';
import { progressFrame, progressLine } from '../format/progress';
import type { BatchProgress } from '../format/shapes';
import { reprocessRequest } from '../reprocess-request';
import { type Command, type CommandContext, segment } from './context';

const POLL_MS = 1000;
const FINAL = new Set(['Completed', 'Failed', 'Canceled']);
/** The host may restart during a long batch; a few missed polls are not a failure. */
const MAX_MISSED_POLLS = 5;

interface Started {
  batchId?: string;
  matched?: number;
  statusUrl?: string;
  ids?: string[];
}

async function poll(context: CommandContext, batchId: string): Promise<BatchProgress> {
  let missed = 0;
  let last = '';
  for (;;) {
    let progress: BatchProgress;
    try {
      ({ body: progress } = await context.api.get<BatchProgress>(
        `/api/ops/reprocess/${segment(batchId)}`,
      ));
      missed = 0;
    } catch (error) {
      if (!(error instanceof ConnectionError) || ++missed > MAX_MISSED_POLLS) throw error;
      await context.sleep(POLL_MS);
      continue;
    }
    if (!context.json) {
      if (context.isTTY) context.write(progressFrame(progress));
      else if (progressLine(progress) !== last) context.print(progressLine(progress));
      last = progressLine(progress);
    }
    if (FINAL.has(progress.status ?? '')) {
      if (!context.json && context.isTTY) context.write('\n');
      return progress;
    }
    await context.sleep(POLL_MS);
  }
}

export const reprocess: Command = async (context) => {
  const request = reprocessRequest(context.line);
  const { body } = await context.api.post<Started>('/api/ops/reprocess', request);
  if (request.dryRun === true) {
    if (context.json) context.print(JSON.stringify(body));
    else {
      context.print(
        `${body.matched ?? body.ids?.length ?? 0} images match (dry run, nothing started)`,
      );
      for (const id of body.ids ?? []) context.print(id);
    }
    return 0;
  }
  if (context.json) context.print(JSON.stringify(body));
  else context.print(`Batch ${body.batchId ?? '?'}: ${body.matched ?? 0} images to reprocess`);
  if (body.batchId === undefined) throw new Error('The server started no batch (no batchId)');
  const final = await poll(context, body.batchId);
  if (context.json) context.print(JSON.stringify(final));
  else context.print(`Batch ${body.batchId} ${final.status ?? '?'}: ${progressLine(final)}`);
  return final.status === 'Completed' ? 0 : 1;
};

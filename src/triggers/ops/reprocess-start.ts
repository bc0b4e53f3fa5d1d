/**
 * HTTP trigger `opsStartReprocess`: `POST /api/ops/reprocess` (function key), with a durable
 * client input.
 *
 * Input: JSON `{ filter: { status?, analysisStatus?, createdFrom?, createdTo?, ids? },
 *   steps?: ('resize' | 'analyze')[], dryRun?, maxConcurrency? }` (see reprocess-request.ts;
 *   the filter must name at least one field).
 * Output: dry run: `200 { matched, ids }` (the first 100 matching ids, oldest first), nothing
 *   started. Otherwise `202 { batchId, matched, statusUrl }` with `Location: statusUrl`, once
 *   the reprocessBatch instance `reprocess-{batchId}` is started. `400 INVALID_REQUEST` names
 *   the field at fault; `413 PAYLOAD_TOO_LARGE` for a body over 1 MiB.
 * Idempotency key: none; every call that is not a dry run starts a new batch with a new id.
 *   `matched` is counted now; the batch collects the matching ids again when it starts, so
 *   its `total` can differ if records changed in between.
 * Retry policy: none.
 */
import type { HttpResponseInit, InvocationContext } from '@azure/functions';
import { AppError } from '../../domain/errors';
import {
  batchInstanceId,
  DEFAULT_CHILDREN_PER_GENERATION,
  type ReprocessBatchInput,
} from '../../domain/reprocess/batch';
import type { RecordFilter } from '../../domain/reprocess/filter';
import { parseReprocessRequest } from '../../domain/reprocess/request';
import type { ReprocessImageInput } from '../../domain/reprocess/reprocess';
import { Orchestrators } from '../../names';
import type { RecordFinder } from '../../ports/record-store';
import { type HttpHandlerFn, withErrorMapping } from '../http-errors';
import type { ReprocessClient } from './reprocess-client';
import { batchUrl } from './reprocess-target';

const MAX_BODY_BYTES = 1024 * 1024;
/** Ids a dry run lists. */
const DRY_RUN_IDS = 100;
const COUNT_PAGE_SIZE = 1000;

export interface StartReprocessDeps {
  records: RecordFinder;
  clientFor: (context: InvocationContext) => ReprocessClient;
  newBatchId: () => string;
  /** What every reprocessed image is processed with, as uploads are now. */
  pipeline: Pick<ReprocessImageInput, 'variants' | 'analyzer' | 'maxInputPixels' | 'vision'>;
  childrenPerGeneration?: number;
}

async function readBody(text: () => Promise<string>): Promise<unknown> {
  const raw = await text();
  if (Buffer.byteLength(raw, 'utf8') > MAX_BODY_BYTES) {
    throw new AppError('PAYLOAD_TOO_LARGE', `The body must be at most ${MAX_BODY_BYTES} bytes`);
  }
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new AppError(
      'INVALID_REQUEST',
      'The body must be a JSON object like {"filter":{"status":"Failed"}}',
    );
  }
}

/** How many records match, and the first few ids. */
async function countMatches(
  records: RecordFinder,
  filter: RecordFilter,
): Promise<{ matched: number; ids: string[] }> {
  let matched = 0;
  const ids: string[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await records.find(filter, {
      limit: COUNT_PAGE_SIZE,
      ...(continuationToken === undefined ? {} : { continuationToken }),
    });
    matched += page.items.length;
    for (const ref of page.items) if (ids.length < DRY_RUN_IDS) ids.push(ref.id);
    continuationToken = page.continuationToken ?? undefined;
  } while (continuationToken !== undefined);
  return { matched, ids };
}

export function createStartReprocess(deps: StartReprocessDeps): HttpHandlerFn {
  return withErrorMapping(async (request, context): Promise<HttpResponseInit> => {
    const body = parseReprocessRequest(await readBody(() => request.text()));
    const { matched, ids } = await countMatches(deps.records, body.filter);
    if (body.dryRun) {
      return {
        status: 200,
        headers: { 'Cache-Control': 'no-store' },
        jsonBody: { matched, ids },
      };
    }
    const batchId = deps.newBatchId();
    const { vision, ...pipeline } = deps.pipeline;
    const input: ReprocessBatchInput = {
      batchId,
      filter: body.filter,
      steps: body.steps,
      maxConcurrency: body.maxConcurrency,
      childrenPerGeneration: deps.childrenPerGeneration ?? DEFAULT_CHILDREN_PER_GENERATION,
      ...pipeline,
      ...(pipeline.analyzer === 'azure' && vision !== undefined ? { vision } : {}),
    };
    await deps
      .clientFor(context)
      .startNew(Orchestrators.reprocessBatch, batchInstanceId(batchId), input);
    context.log(`opsStartReprocess: started batch ${batchId} for ${matched} image(s)`);
    const statusUrl = batchUrl(request, batchId);
    return {
      status: 202,
      headers: { Location: statusUrl, 'Cache-Control': 'no-store' },
      jsonBody: { batchId, matched, statusUrl },
    };
  });
}

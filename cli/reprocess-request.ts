/**
 * The body of `POST /api/ops/reprocess` from `reprocess` options. At least one filter is
 * required: reprocessing every image ever uploaded should take more than a typo.
 */
import { type CommandLine, flagOption, listOption, positiveIntOption, stringOption } from './args';
import { UsageError } from './usage-error';

export interface ReprocessRequest {
  filter: {
    status?: string;
    analysisStatus?: string;
    createdFrom?: string;
    createdTo?: string;
    ids?: string[];
  };
  steps?: string[];
  dryRun?: boolean;
  maxConcurrency?: number;
}

export function reprocessRequest(line: CommandLine): ReprocessRequest {
  const filter: ReprocessRequest['filter'] = {};
  const status = stringOption(line, 'status');
  if (status !== undefined) filter.status = status;
  const analysisStatus = stringOption(line, 'analysis-status');
  if (analysisStatus !== undefined) filter.analysisStatus = analysisStatus;
  const since = stringOption(line, 'since');
  if (since !== undefined) filter.createdFrom = since;
  const until = stringOption(line, 'until');
  if (until !== undefined) filter.createdTo = until;
  const ids = listOption(line, 'ids');
  if (ids !== undefined) filter.ids = ids;
  if (Object.keys(filter).length === 0) {
    throw new UsageError(
      'reprocess needs at least one filter: --status, --analysis-status, --since, --until or --ids',
    );
  }
  const request: ReprocessRequest = { filter };
  const steps = listOption(line, 'steps');
  if (steps !== undefined) request.steps = steps;
  if (flagOption(line, 'dry-run')) request.dryRun = true;
  const maxConcurrency = positiveIntOption(line, 'max-concurrency');
  if (maxConcurrency !== undefined) request.maxConcurrency = maxConcurrency;
  return request;
}

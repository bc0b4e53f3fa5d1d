/** `orchestrations`: GET /api/ops/orchestrations, newest first. */
import { positiveIntOption, stringOption } from '../args';
import type { OrchestrationItem, Page } from '../format/shapes';
import { formatOrchestrationList } from '../format/orchestration-list';
import { type Command, printJson } from './context';

export const orchestrations: Command = async (context) => {
  const { line } = context;
  const { body } = await context.api.get<Page<OrchestrationItem>>('/api/ops/orchestrations', {
    runtimeStatus: stringOption(line, 'status'),
    createdFrom: stringOption(line, 'since'),
    createdTo: stringOption(line, 'until'),
    name: stringOption(line, 'name'),
    instanceIdPrefix: stringOption(line, 'prefix'),
    limit: positiveIntOption(line, 'limit', 100)?.toString(),
    continuationToken: stringOption(line, 'continuation'),
  });
  if (context.json) {
    printJson(context, body);
    return 0;
  }
  context.print(formatOrchestrationList(body));
  if (body.continuationToken) context.print(`next page: --continuation ${body.continuationToken}`);
  return 0;
};

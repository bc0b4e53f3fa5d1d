/** `history <instanceId>`: GET /api/ops/orchestrations/{id}?history=true as a timeline. */
import type { OrchestrationDetails } from '../format/shapes';
import { formatTimeline } from '../format/timeline';
import { type Command, printJson, segment } from './context';

export const history: Command = async (context) => {
  const [instanceId = ''] = context.line.args;
  const { body } = await context.api.get<OrchestrationDetails>(
    `/api/ops/orchestrations/${segment(instanceId)}`,
    { history: 'true' },
  );
  if (context.json) printJson(context, body);
  else context.print(formatTimeline(body));
  return 0;
};

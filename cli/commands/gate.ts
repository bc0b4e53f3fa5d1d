/** `gate`: GET /api/ops/gate as a table; `gate reset <id>`: POST /api/ops/gate/{id}/reset. */
import { formatGates } from '../format/gates';
import type { Gate } from '../format/shapes';
import { UsageError } from '../usage-error';
import { type Command, printJson, segment } from './context';

export const gate: Command = async (context) => {
  const args = context.line.args;
  if (args.length === 0) {
    const { body } = await context.api.get<{ gates?: Gate[] }>('/api/ops/gate');
    if (context.json) printJson(context, body);
    else context.print(formatGates(body.gates ?? []));
    return 0;
  }
  const [action, id, ...rest] = args;
  if (action !== 'reset' || id === undefined || rest.length > 0) {
    throw new UsageError('gate takes no arguments, or: reset <id>');
  }
  const { body } = await context.api.post<unknown>(`/api/ops/gate/${segment(id)}/reset`);
  if (context.json) printJson(context, body ?? {});
  else context.print(`Gate ${id} reset: circuit closed, pause cleared.`);
  return 0;
};

/**
 * `terminate`, `restart` and `purge <instanceId>`: POST /api/ops/orchestrations/{id}/{action}.
 */
import { flagOption, stringOption } from '../args';
import { type Command, printJson, segment } from './context';

interface Accepted {
  instanceId?: string;
  restartedFrom?: string;
  statusUrl?: string;
}

const path = (instanceId: string, action: string) =>
  `/api/ops/orchestrations/${segment(instanceId)}/${action}`;

export const terminate: Command = async (context) => {
  const [instanceId = ''] = context.line.args;
  const reason = stringOption(context.line, 'reason');
  const { body } = await context.api.post<Accepted>(
    path(instanceId, 'terminate'),
    reason === undefined ? {} : { reason },
  );
  if (context.json) printJson(context, body);
  else
    context.print(
      `Terminating ${instanceId}; it turns Terminated once the task hub delivers the request.`,
    );
  return 0;
};

export const restart: Command = async (context) => {
  const [instanceId = ''] = context.line.args;
  const sameId = flagOption(context.line, 'same-id');
  const { body } = await context.api.post<Accepted>(path(instanceId, 'restart'), undefined, {
    restartWithNewInstanceId: sameId ? 'false' : 'true',
  });
  if (context.json) printJson(context, body);
  else context.print(`Restarted ${instanceId} as ${body.instanceId ?? '?'}`);
  return 0;
};

export const purge: Command = async (context) => {
  const [instanceId = ''] = context.line.args;
  const { body } = await context.api.post<{ instancesDeleted?: number }>(path(instanceId, 'purge'));
  if (context.json) printJson(context, body);
  else context.print(`Purged ${instanceId} (${body.instancesDeleted ?? 0} instance deleted)`);
  return 0;
};

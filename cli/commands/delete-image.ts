/**
 * `delete <imageId>`: DELETE /api/images/{id}, then follows the cascade's status URL every second
 * until it has finished. Exit 1 when the cascade failed.
 */
import { ApiError } from '../api-error';
import { type Command, printJson, segment } from './context';

const POLL_MS = 1000;

interface CascadeStatus {
  runtimeStatus?: string;
  output?: { blobsDeleted?: number; instancesPurged?: number; terminated?: string[] } | string;
}

export const deleteImage: Command = async (context) => {
  const [imageId = ''] = context.line.args;
  const started = await context.api.delete<{ statusUrl?: string } | null>(
    `/api/images/${segment(imageId)}`,
  );
  const statusUrl = started.body?.statusUrl;
  if (started.status === 204 || statusUrl === undefined) {
    if (context.json) printJson(context, { id: imageId, deleted: true });
    else context.print(`${imageId} is already deleted`);
    return 0;
  }
  const path = new URL(statusUrl).pathname;
  for (;;) {
    let status: CascadeStatus;
    try {
      status = (await context.api.get<CascadeStatus>(path)).body;
    } catch (error) {
      // The cascade's own history may already have been purged by retention: it finished.
      if (error instanceof ApiError && error.status === 404) break;
      throw error;
    }
    if (status.runtimeStatus === 'Completed' || status.runtimeStatus === 'Failed') {
      if (context.json) printJson(context, status);
      const output = typeof status.output === 'object' ? status.output : undefined;
      if (status.runtimeStatus === 'Failed') {
        if (!context.json)
          context.print(`Deleting ${imageId} failed: ${JSON.stringify(status.output)}`);
        return 1;
      }
      if (!context.json) {
        context.print(
          `Deleted ${imageId}: ${output?.blobsDeleted ?? 0} blob(s), ` +
            `${output?.instancesPurged ?? 0} orchestration instance(s) purged` +
            (output?.terminated?.length ? `, ${output.terminated.length} run(s) terminated` : ''),
        );
      }
      return 0;
    }
    await context.sleep(POLL_MS);
  }
  if (!context.json) context.print(`Deleted ${imageId}`);
  return 0;
};

/** `status <imageId>`: GET /api/images/{id}. */
import { formatImageRecord } from '../format/image-record';
import type { ImageRecord } from '../format/shapes';
import { type Command, printJson, segment } from './context';

export const status: Command = async (context) => {
  const [imageId = ''] = context.line.args;
  const { body } = await context.api.get<ImageRecord>(`/api/images/${segment(imageId)}`);
  if (context.json) printJson(context, body);
  else context.print(formatImageRecord(body));
  return 0;
};

/** `list`: GET /api/images, newest first. */
import { positiveIntOption, stringOption } from '../args';
import { formatImageList } from '../format/image-list';
import type { ImageRecord, Page } from '../format/shapes';
import { type Command, printJson } from './context';

export const list: Command = async (context) => {
  const { line } = context;
  const { body } = await context.api.get<Page<ImageRecord>>('/api/images', {
    status: stringOption(line, 'status'),
    limit: positiveIntOption(line, 'limit', 100)?.toString(),
    continuationToken: stringOption(line, 'continuation'),
  });
  if (context.json) {
    printJson(context, body);
    return 0;
  }
  context.print(formatImageList(body));
  if (body.continuationToken) context.print(`next page: --continuation ${body.continuationToken}`);
  return 0;
};

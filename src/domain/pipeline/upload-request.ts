/**
 * The body of `POST /api/images/upload-url`: what the client promises to upload. Nothing here is
 * proven (the bytes go straight to storage), so the same limits are checked again on the blob by
 * the inspect step; refusing here only spares an honest client a pointless upload.
 */
import { AppError } from '../errors';
import { sanitizeFilename } from './filename';
import { contentTypeOf, formatOfContentType, type ImageFormat } from './formats';
import { isObject } from './validate';

export interface UploadUrlRequestBody {
  /** The canonical content type of the declared format, e.g. `image/jpeg`. */
  contentType: string;
  format: ImageFormat;
  contentLength: number;
  filename: string | null;
}

function invalid(message: string): AppError {
  return new AppError('INVALID_REQUEST', message);
}

/**
 * Validates the parsed JSON body. Throws `INVALID_REQUEST` (400) for a missing or mistyped field,
 * `UNSUPPORTED_MEDIA_TYPE` (415) for a content type outside the allow-list and
 * `PAYLOAD_TOO_LARGE` (413) for a length over the cap, in that order.
 */
export function parseUploadUrlRequest(body: unknown, maxUploadBytes: number): UploadUrlRequestBody {
  if (!isObject(body)) throw invalid('The body must be a JSON object');
  const { contentType, contentLength, filename } = body;
  if (typeof contentType !== 'string' || contentType.trim() === '') {
    throw invalid('contentType is required and must be a string, e.g. "image/jpeg"');
  }
  if (
    typeof contentLength !== 'number' ||
    !Number.isSafeInteger(contentLength) ||
    contentLength < 1
  ) {
    throw invalid('contentLength is required and must be a positive integer (bytes)');
  }
  if (filename !== undefined && filename !== null && typeof filename !== 'string') {
    throw invalid('filename must be a string when given');
  }
  const format = formatOfContentType(contentType);
  if (format === undefined) {
    throw new AppError(
      'UNSUPPORTED_MEDIA_TYPE',
      'contentType must be one of image/jpeg, image/png, image/webp, image/gif, image/avif, image/tiff',
    );
  }
  if (contentLength > maxUploadBytes) {
    throw new AppError('PAYLOAD_TOO_LARGE', `The upload is larger than ${maxUploadBytes} bytes`);
  }
  return {
    contentType: contentTypeOf(format),
    format,
    contentLength,
    filename: sanitizeFilename(filename ?? null),
  };
}

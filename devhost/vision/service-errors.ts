/**
 * Error answers in the service's own shapes. Gateway errors (401, 404, 429) carry the HTTP
 * status as a string `code`, as the Azure API Management front of Cognitive Services sends them;
 * errors from the analysis itself carry `InvalidRequest` with an `innererror` naming the cause.
 */

export interface ServiceError {
  status: number;
  body: {
    error: { code: string; message: string; innererror?: { code: string; message: string } };
  };
  headers?: Record<string, string>;
}

function error(status: number, code: string, message: string): ServiceError {
  return { status, body: { error: { code, message } } };
}

/** 400 InvalidRequest with the specific cause as `innererror`, as Image Analysis 4.0 answers. */
export function invalidRequest(innerCode: string, message: string, detail = message): ServiceError {
  return {
    status: 400,
    body: {
      error: { code: 'InvalidRequest', message, innererror: { code: innerCode, message: detail } },
    },
  };
}

export const missingKey = (): ServiceError =>
  error(
    401,
    '401',
    'Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.',
  );

export const invalidKey = (): ServiceError =>
  error(
    401,
    '401',
    'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
  );

export const resourceNotFound = (): ServiceError => error(404, '404', 'Resource not found');

export function tooManyRequests(retryAfterSeconds: number, why: string): ServiceError {
  return {
    ...error(
      429,
      '429',
      `Requests to the Analyze Image Operation under Computer Vision API (v4.0) have exceeded ${why}. Please retry after ${retryAfterSeconds} seconds.`,
    ),
    headers: { 'retry-after': String(retryAfterSeconds) },
  };
}

export const internalServerError = (): ServiceError =>
  error(500, 'InternalServerError', 'An unexpected error occurred while processing the request.');

export const serviceUnavailable = (): ServiceError =>
  error(
    503,
    'ServiceUnavailable',
    'The service is temporarily unavailable. Please try again later.',
  );

export const unsupportedMediaType = (contentType: string): ServiceError =>
  error(
    415,
    'UnsupportedMediaType',
    `Content-Type "${contentType}" is not supported; send application/octet-stream or application/json.`,
  );

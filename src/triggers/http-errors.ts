/**
 * The HTTP error mapper every HTTP trigger goes through. Known errors (`AppError`) render their
 * own code and status; anything else is logged with its stack and becomes an opaque 500, so a
 * client never sees an HTML page, a stack trace or an internal message.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { AppError, type ErrorInfo, errorBody, httpStatusOf } from '../domain/errors';

export type HttpHandlerFn = (
  request: HttpRequest,
  context: InvocationContext,
) => Promise<HttpResponseInit>;

/** Errors and live statuses must never be served from a cache. */
const NO_STORE = { 'Cache-Control': 'no-store' } as const;

export function errorResponse(info: ErrorInfo, status = httpStatusOf(info.code)): HttpResponseInit {
  return { status, jsonBody: errorBody(info), headers: { ...NO_STORE } };
}

export function toErrorResponse(error: unknown, context: InvocationContext): HttpResponseInit {
  if (error instanceof AppError) {
    if (error.status >= 500) context.error(`${context.functionName}: ${error.code}`, error);
    return errorResponse(error.toInfo(), error.status);
  }
  context.error(`${context.functionName}: unhandled error`, error);
  return errorResponse({ code: 'INTERNAL', message: 'An unexpected error occurred' });
}

export function withErrorMapping(handler: HttpHandlerFn): HttpHandlerFn {
  return async (request, context) => {
    try {
      return await handler(request, context);
    } catch (error) {
      return toErrorResponse(error, context);
    }
  };
}

export function notFound(what: string): AppError {
  return new AppError('NOT_FOUND', `${what} was not found`);
}

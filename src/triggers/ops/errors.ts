/**
 * The error mapper of the operator routes: the app's mapper (http-errors.ts) plus the 409
 * conflicts of operator actions, in the same `{ error: { code, message } }` shape.
 */
import { OpsError } from '../../domain/ops/errors';
import { type HttpHandlerFn, toErrorResponse } from '../http-errors';

export function withOpsErrorMapping(handler: HttpHandlerFn): HttpHandlerFn {
  return async (request, context) => {
    try {
      return await handler(request, context);
    } catch (error) {
      if (error instanceof OpsError) {
        return {
          status: error.status,
          headers: { 'Cache-Control': 'no-store' },
          jsonBody: { error: { code: error.code, message: error.message } },
        };
      }
      return toErrorResponse(error, context);
    }
  };
}

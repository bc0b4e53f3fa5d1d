/** Invocation contexts and HTTP requests built with the library's own test constructors. */
import { HttpRequest, type HttpRequestInit, InvocationContext } from '@azure/functions';
import type { ImageRecord } from '../../../src/domain/record';

export interface CapturedLog {
  level: string;
  message: string;
}

export function testContext(
  functionName = 'test',
  triggerMetadata?: Record<string, unknown>,
): { context: InvocationContext; logs: CapturedLog[] } {
  const logs: CapturedLog[] = [];
  const context = new InvocationContext({
    functionName,
    invocationId: 'test-invocation',
    logHandler: (level, ...args) =>
      logs.push({ level, message: args.map((arg) => String(arg)).join(' ') }),
    ...(triggerMetadata === undefined ? {} : { triggerMetadata }),
  });
  return { context, logs };
}

export function request(init: Partial<HttpRequestInit> & { url: string }): HttpRequest {
  return new HttpRequest({ method: 'GET', ...init });
}

/** A JSON response body, whether the handler set `jsonBody` or a serialised `body`. */
export function jsonOf<T = ImageRecord>(response: { jsonBody?: unknown; body?: unknown }): T {
  if (response.jsonBody !== undefined) return response.jsonBody as T;
  if (typeof response.body === 'string') return JSON.parse(response.body) as T;
  throw new Error('The response has no JSON body');
}

export function header(response: { headers?: unknown }, name: string): string | undefined {
  const headers = new Headers(response.headers as Record<string, string> | undefined);
  return headers.get(name) ?? undefined;
}

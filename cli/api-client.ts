/**
 * The CLI's HTTP client: JSON in and out over Node's fetch, the function key on every request
 * (anonymous routes ignore it), errors turned into ApiError / ConnectionError.
 */
import { ApiError, ConnectionError } from './api-error';
import type { Target } from './target';

/** A request that takes longer means the host is not answering. */
const REQUEST_TIMEOUT_MS = 30_000;

export interface ApiResponse<T> {
  status: number;
  body: T;
}

export interface ApiClient {
  readonly baseUrl: string;
  get<T>(path: string, query?: Record<string, string | undefined>): Promise<ApiResponse<T>>;
  post<T>(
    path: string,
    body?: unknown,
    query?: Record<string, string | undefined>,
  ): Promise<ApiResponse<T>>;
  delete<T>(path: string): Promise<ApiResponse<T>>;
}

export type FetchFn = (url: string, init: RequestInit) => Promise<Response>;

/** ECONNREFUSED and the like; with several addresses to try, Node nests them. */
function causeCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown; errors?: { code?: unknown }[] } }).cause;
  const code = cause?.code ?? cause?.errors?.[0]?.code;
  return typeof code === 'string' ? code : undefined;
}

async function errorFrom(response: Response, method: string, path: string): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    const { code, message } = body.error ?? {};
    if (typeof code === 'string' && typeof message === 'string') {
      return new ApiError(response.status, code, message);
    }
  } catch {
    // Not our JSON: a proxy page, an empty 404 from a host without the route.
  }
  const reason = response.statusText || 'no error body';
  return new ApiError(
    response.status,
    `HTTP_${response.status}`,
    `${reason} from ${method} ${path}`,
  );
}

export function createApiClient(target: Target, fetchFn: FetchFn = fetch): ApiClient {
  async function send<T>(
    method: string,
    path: string,
    body: unknown,
    query: Record<string, string | undefined> = {},
  ): Promise<ApiResponse<T>> {
    const url = new URL(`${target.baseUrl}${path}`);
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(name, value);
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    if (target.key !== undefined) headers['x-functions-key'] = target.key;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetchFn(url.href, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      if ((error as { name?: unknown }).name === 'TimeoutError') {
        throw new ConnectionError(
          `${url.origin} did not answer ${method} ${path} within ${REQUEST_TIMEOUT_MS / 1000} s`,
        );
      }
      const code = causeCode(error);
      throw new ConnectionError(
        `cannot reach ${url.origin}${code === undefined ? '' : ` (${code})`}; is the app running? ` +
          'Set --url or IMAGE_PIPELINE_URL',
      );
    }
    if (!response.ok) throw await errorFrom(response, method, path);
    const text = await response.text();
    try {
      return { status: response.status, body: (text === '' ? null : JSON.parse(text)) as T };
    } catch {
      throw new ConnectionError(`${method} ${path} answered ${response.status} without JSON`);
    }
  }

  return {
    baseUrl: target.baseUrl,
    get: (path, query) => send('GET', path, undefined, query),
    post: (path, body, query) => send('POST', path, body, query),
    delete: (path) => send('DELETE', path, undefined),
  };
}

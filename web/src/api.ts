/**
 * The page's only way to the server: the public JSON API. The base URL comes from `config.json`
 * (written at deploy time when the site and the functions live on different origins; locally it
 * is `{}`, so the page talks to its own origin). The operator's function key is kept in
 * sessionStorage for the tab's life and sent as `x-functions-key`, never in a URL.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let apiBase = '';

export async function loadConfig(): Promise<void> {
  try {
    const res = await fetch('config.json', { cache: 'no-cache' });
    if (!res.ok) return;
    const config = (await res.json()) as { apiBaseUrl?: unknown };
    if (typeof config.apiBaseUrl === 'string') apiBase = config.apiBaseUrl.replace(/\/+$/, '');
  } catch {
    // No config: same origin.
  }
}

export function apiUrl(path: string): string {
  if (/^https?:\/\//.test(path)) return path;
  return `${apiBase}${path.startsWith('/') ? '' : '/'}${path}`;
}

export function getBase(): string {
  return apiBase;
}

const KEY = 'image-pipeline.functionKey';

export function functionKey(): string | null {
  return sessionStorage.getItem(KEY);
}

export function setFunctionKey(key: string | null): void {
  if (key === null || key === '') sessionStorage.removeItem(KEY);
  else sessionStorage.setItem(KEY, key);
}

/** Readable sentences for the codes a user meets most; the API's message otherwise. */
const HINTS: Record<string, string> = {
  UNAUTHORIZED: 'The function key was refused. Enter the key devhost printed (or the app key).',
  NOT_FOUND: 'Not found.',
  PAYLOAD_TOO_LARGE: 'The file is larger than the upload limit.',
  UNSUPPORTED_MEDIA_TYPE: 'This file type is not accepted (JPEG, PNG, WebP, GIF, AVIF or TIFF).',
  HOST_STARTING: 'The server is starting; try again in a moment.',
  NETWORK: 'The server could not be reached.',
};

export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const hint = HINTS[error.code];
    return hint !== undefined && error.code !== 'NOT_FOUND'
      ? `${hint} (${error.code})`
      : `${error.message} (${error.code})`;
  }
  return error instanceof Error ? error.message : String(error);
}

export interface ApiResult<T> {
  status: number;
  body: T | undefined;
  headers: Headers;
}

export async function request<T>(
  method: string,
  path: string,
  options: { body?: unknown; key?: boolean; headers?: Record<string, string> } = {},
): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.key) {
    const key = functionKey();
    if (key !== null) headers['x-functions-key'] = key;
  }
  let res: Response;
  try {
    res = await fetch(apiUrl(path), {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', HINTS.NETWORK!);
  }
  const text = res.status === 204 || res.status === 304 ? '' : await res.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (res.status >= 400) {
    const err = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    throw new ApiError(
      res.status,
      typeof err?.code === 'string' ? err.code : `HTTP_${res.status}`,
      typeof err?.message === 'string' ? err.message : `The server answered ${res.status}.`,
    );
  }
  return { status: res.status, body: body as T | undefined, headers: res.headers };
}

export async function getJson<T>(path: string, key = false): Promise<T> {
  const { body } = await request<T>('GET', path, { key });
  if (body === undefined) throw new ApiError(0, 'EMPTY', 'The server sent no body.');
  return body;
}

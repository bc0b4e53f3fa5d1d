/**
 * Turns one proxied request and the emulator's answer into what the journal keeps: the effect
 * of the request, in a form that can be re-sent to a fresh emulator after any later restart.
 *
 * Documents are journaled by their resulting state (an upsert of the document the emulator
 * returned, or a delete), not by the request that produced it. That makes replay independent
 * of what only held at the time: If-Match preconditions, patch conditions, and batches where
 * some operations failed.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { JournalEntry, JournalOp } from './cosmos-journal';
import { SYSTEM_PROPERTY_NAMES, systemPropertiesOf } from './cosmos-system-properties';

export interface ProxiedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface EmulatorAnswer {
  status: number;
  body: Buffer;
}

const PARTITION_KEY_HEADER = 'x-ms-documentdb-partitionkey';
const UPSERT_HEADER = 'x-ms-documentdb-is-upsert';
/** Request headers that change what the emulator does with a mutation. */
const REPLAYED_HEADERS = ['content-type', UPSERT_HEADER, PARTITION_KEY_HEADER] as const;
const SYSTEM_PROPERTIES = new Set<string>(SYSTEM_PROPERTY_NAMES);

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

const isTrue = (value: string | undefined): boolean => value?.toLowerCase() === 'true';

/** The path the emulator routes on: no query, no doubled leading slash, no trailing slash. */
export function routePath(url: string): string {
  let pathname = url.split('?')[0] ?? '/';
  if (pathname.startsWith('//')) pathname = pathname.slice(1);
  while (pathname.length > 1 && pathname.endsWith('/')) pathname = pathname.slice(0, -1);
  return pathname;
}

/** Whether the request may change data (queries are POSTs too, but only read). */
export function isMutation(request: Pick<ProxiedRequest, 'method' | 'headers'>): boolean {
  const method = request.method.toUpperCase();
  if (method === 'POST') {
    const isQuery =
      isTrue(header(request.headers, 'x-ms-documentdb-isquery')) ||
      header(request.headers, 'content-type') === 'application/query+json';
    return !isQuery;
  }
  return method === 'PUT' || method === 'PATCH' || method === 'DELETE';
}

export function withoutSystemProperties(resource: unknown): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  if (resource === null || typeof resource !== 'object') return copy;
  for (const [key, value] of Object.entries(resource)) {
    if (!SYSTEM_PROPERTIES.has(key)) copy[key] = value;
  }
  return copy;
}

function parseJson(bytes: Buffer): unknown {
  if (bytes.length === 0) return undefined;
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function replayedHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of REPLAYED_HEADERS) {
    const value = header(headers, name);
    if (value !== undefined) kept[name] = value;
  }
  return kept;
}

/** Keeps the system properties apart from the body, so a replay can do without them. */
function withSystem(op: JournalOp, resource: unknown): JournalOp {
  const system = systemPropertiesOf(resource);
  return system === undefined ? op : { ...op, system };
}

/** The document as the emulator stored it, as an upsert. */
export function upsertDocumentOp(
  docsPath: string,
  document: unknown,
  partitionKey: string,
): JournalOp {
  const op: JournalOp = {
    method: 'POST',
    path: docsPath,
    headers: {
      'content-type': 'application/json',
      [UPSERT_HEADER]: 'true',
      [PARTITION_KEY_HEADER]: partitionKey,
    },
    body: withoutSystemProperties(document),
  };
  return withSystem(op, document);
}

function deleteDocumentOp(documentPath: string, partitionKey: string | undefined): JournalOp {
  return {
    method: 'DELETE',
    path: documentPath,
    headers: partitionKey === undefined ? {} : { [PARTITION_KEY_HEADER]: partitionKey },
  };
}

/**
 * The request as it was, minus preconditions (which held when it succeeded), plus the system
 * properties of the resource it produced.
 */
function verbatimOp(request: ProxiedRequest, answer: EmulatorAnswer, path: string): JournalOp {
  const body = parseJson(request.body);
  const op: JournalOp = {
    method: request.method.toUpperCase() as JournalOp['method'],
    path,
    headers: replayedHeaders(request.headers),
    ...(body === undefined ? {} : { body }),
  };
  return withSystem(op, parseJson(answer.body));
}

interface BatchOperation {
  operationType?: string;
  id?: string;
  partitionKey?: unknown;
}

interface BatchResult {
  statusCode?: number;
  resourceBody?: unknown;
}

const succeeded = (status: number | undefined): boolean =>
  status !== undefined && status >= 200 && status < 300;

/** The operations of a batch that took effect (the emulator applies them one by one). */
function batchOps(request: ProxiedRequest, answer: EmulatorAnswer, docsPath: string): JournalOp[] {
  const operations = parseJson(request.body);
  const results = parseJson(answer.body);
  if (!Array.isArray(operations) || !Array.isArray(results)) return [];
  const requestKey = header(request.headers, PARTITION_KEY_HEADER);
  const ops: JournalOp[] = [];
  operations.forEach((operation: BatchOperation, index) => {
    const result = results[index] as BatchResult | undefined;
    if (!succeeded(result?.statusCode)) return;
    const partitionKey =
      typeof operation.partitionKey === 'string' ? operation.partitionKey : requestKey;
    switch (operation.operationType) {
      case 'Create':
      case 'Upsert':
      case 'Replace':
      case 'Patch':
        if (partitionKey !== undefined && result?.resourceBody !== undefined) {
          ops.push(upsertDocumentOp(docsPath, result.resourceBody, partitionKey));
        }
        return;
      case 'Delete':
        if (typeof operation.id === 'string') {
          ops.push(
            deleteDocumentOp(`${docsPath}/${encodeURIComponent(operation.id)}`, partitionKey),
          );
        }
        return;
      default:
        return;
    }
  });
  return ops;
}

function documentOps(
  request: ProxiedRequest,
  answer: EmulatorAnswer,
  docsPath: string,
  hasDocumentId: boolean,
  path: string,
): JournalOp[] {
  const method = request.method.toUpperCase();
  const partitionKey = header(request.headers, PARTITION_KEY_HEADER);
  if (method === 'DELETE' && hasDocumentId) return [deleteDocumentOp(path, partitionKey)];
  if (method === 'POST' && !hasDocumentId) {
    if (isTrue(header(request.headers, 'x-ms-cosmos-is-batch-request'))) {
      return batchOps(request, answer, docsPath);
    }
  }
  const document = parseJson(answer.body);
  if (partitionKey === undefined || document === undefined) {
    // Without a partition key header the emulator cannot upsert; a create can be re-sent as is.
    return [verbatimOp(request, answer, path)];
  }
  return [upsertDocumentOp(docsPath, document, partitionKey)];
}

/** What to journal for a request the emulator answered; undefined when nothing changed. */
export function journalEntryFor(
  request: ProxiedRequest,
  answer: EmulatorAnswer,
): JournalEntry | undefined {
  if (!isMutation(request) || !succeeded(answer.status)) return undefined;
  const path = routePath(request.url);
  const segments = path.split('/').filter((segment) => segment !== '');
  const isDocuments = segments.length >= 5 && segments[0] === 'dbs' && segments[4] === 'docs';
  const ops = isDocuments
    ? documentOps(
        request,
        answer,
        `/${segments.slice(0, 5).join('/')}`,
        segments.length === 6,
        path,
      )
    : [verbatimOp(request, answer, path)];
  return ops.length > 0 ? { ops } : undefined;
}

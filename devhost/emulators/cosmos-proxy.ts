import * as http from 'node:http';
import type { JournalAppender, JournalEntry } from './cosmos-journal';
import type { EmulatorClient, EmulatorResponse } from './cosmos-http';
import {
  batchOperations,
  unsupportedBatchOperation,
  withOperationPartitionKeys,
} from './cosmos-batch';
import { isMutation, journalEntryFor, routePath, type ProxiedRequest } from './cosmos-mutations';

export interface JournalingProxyOptions {
  emulator: EmulatorClient;
  journal: JournalAppender;
  log: (line: string) => void;
  /** The journal cannot be written: in-memory state is now ahead of disk. */
  onJournalFailure: (error: unknown) => void;
  /** Called after each journal append. */
  onAppended?: (entry: JournalEntry) => void;
}

export interface JournalingProxy {
  server: http.Server;
  /** Runs `work` while no mutation is in flight or starts (reads go on). */
  exclusively<T>(work: () => Promise<T>): Promise<T>;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'upgrade',
  'proxy-connection',
]);

function readBody(request: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function forwardedHeaders(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const kept: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) kept[name] = value;
  }
  return kept;
}

function sendAnswer(
  response: http.ServerResponse,
  status: number,
  headers: http.IncomingHttpHeaders,
  body: Buffer,
): void {
  const kept = forwardedHeaders(headers);
  kept['content-length'] = String(body.length);
  response.writeHead(status, kept);
  response.end(body);
}

function sendError(
  response: http.ServerResponse,
  status: number,
  code: string,
  message: string,
): void {
  const body = Buffer.from(JSON.stringify({ code, message }), 'utf8');
  sendAnswer(response, status, { 'content-type': 'application/json' }, body);
}

/**
 * The emulator describes its account with its own (private, https) address; the SDK then
 * routes every later request there. Point those locations at the address the client used.
 */
function rewriteAccountLocations(body: Buffer, host: string | undefined): Buffer {
  if (host === undefined) return body;
  try {
    const account = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    for (const key of ['writableLocations', 'readableLocations']) {
      const locations = account[key];
      if (!Array.isArray(locations)) continue;
      for (const location of locations as Record<string, unknown>[]) {
        location.databaseAccountEndpoint = `http://${host}/`;
      }
    }
    return Buffer.from(JSON.stringify(account), 'utf8');
  } catch {
    return body;
  }
}

/**
 * A reverse proxy in front of the in-memory emulator that makes it durable: every mutation
 * the emulator accepts is appended to the journal before the client hears about it.
 * Mutations pass one at a time, so the journal order is the order the emulator applied them.
 */
export function createJournalingProxy(options: JournalingProxyOptions): JournalingProxy {
  const { emulator, journal } = options;
  let mutationQueue: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(work: () => Promise<T>): Promise<T> => {
    const run = mutationQueue.then(work);
    mutationQueue = run.catch(() => undefined);
    return run;
  };

  const forward = (request: ProxiedRequest): Promise<EmulatorResponse> =>
    emulator.send({
      method: request.method,
      path: request.url,
      headers: forwardedHeaders(request.headers),
      body: request.body,
    });

  async function handle(
    incoming: http.IncomingMessage,
    response: http.ServerResponse,
  ): Promise<void> {
    let request: ProxiedRequest = {
      method: incoming.method ?? 'GET',
      url: incoming.url ?? '/',
      headers: incoming.headers,
      body: await readBody(incoming),
    };

    if (!isMutation(request)) {
      const answer = await forward(request);
      const body =
        request.method === 'GET' && routePath(request.url) === '/' && answer.status === 200
          ? rewriteAccountLocations(answer.body, incoming.headers.host)
          : answer.body;
      sendAnswer(response, answer.status, answer.headers, body);
      return;
    }

    const operations = batchOperations(request);
    if (operations !== undefined) {
      const unsupported = unsupportedBatchOperation(operations);
      if (unsupported !== undefined) {
        const message = `Operation type '${unsupported}' is not supported in Batch.`;
        sendError(response, 400, 'BadRequest', message);
        return;
      }
      request = withOperationPartitionKeys(request, operations);
    }

    await oneAtATime(async () => {
      const answer = await forward(request);
      const entry = journalEntryFor(request, { status: answer.status, body: answer.body });
      if (entry !== undefined) {
        try {
          journal.append(entry);
        } catch (error) {
          sendError(
            response,
            503,
            'ServiceUnavailable',
            'The emulator could not persist this change.',
          );
          options.onJournalFailure(error);
          return;
        }
        options.onAppended?.(entry);
      }
      sendAnswer(response, answer.status, answer.headers, answer.body);
    });
  }

  const server = http.createServer((incoming, response) => {
    handle(incoming, response).catch((error: unknown) => {
      options.log(`proxy error: ${error instanceof Error ? error.message : String(error)}`);
      if (!response.headersSent) {
        sendError(response, 502, 'BadGateway', 'The emulator did not answer.');
      } else {
        response.destroy();
      }
    });
  });
  // SDK clients reuse idle sockets for longer than Node's 5 s default; close them as Azure does,
  // after minutes, or a reused socket dies with ECONNRESET mid-request.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;
  return { server, exclusively: oneAtATime };
}

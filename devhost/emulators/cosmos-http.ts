import * as http from 'node:http';
import { LOOPBACK } from '../supervisor/ports';

export interface EmulatorRequest {
  method: string;
  path: string;
  headers?: http.OutgoingHttpHeaders;
  body?: Buffer;
}

export interface EmulatorResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A keep-alive client for the in-process emulator on its private loopback port. */
export class EmulatorClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 32 });

  constructor(readonly port: number) {}

  send(request: EmulatorRequest): Promise<EmulatorResponse> {
    return new Promise((resolve, reject) => {
      const outgoing = http.request(
        {
          host: LOOPBACK,
          port: this.port,
          method: request.method,
          path: request.path,
          headers: {
            ...request.headers,
            'content-length': String(request.body?.length ?? 0),
          },
          agent: this.agent,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: Buffer.concat(chunks),
            }),
          );
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(request.body);
    });
  }

  /** Sends a JSON body (or none) and parses the JSON answer. */
  async json(
    method: string,
    path: string,
    body?: unknown,
    headers: http.OutgoingHttpHeaders = {},
  ): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: unknown }> {
    const response = await this.send({
      method,
      path,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8'),
    });
    const text = response.body.toString('utf8');
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : (JSON.parse(text) as unknown);
    } catch {
      parsed = text;
    }
    return { status: response.status, headers: response.headers, body: parsed };
  }

  close(): void {
    this.agent.destroy();
  }
}

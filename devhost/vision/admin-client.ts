/**
 * A typed client for the emulator's admin API, for tests and benchmarks: read counters, change
 * quota and faults, schedule outages, reset. `endpoint` names one virtual endpoint; without it a
 * call acts on all of them.
 */
import type { EndpointCounters, TotalCounters } from './counters';
import type { ConfigPatch, EndpointConfig } from './endpoint-config';
import type { OutageMode, OutageView, RequestLogEntry } from './virtual-endpoint';

export interface EndpointView {
  name: string;
  url: string;
  config: EndpointConfig;
  outage: OutageView | null;
}

export interface EmulatorDescription {
  service: string;
  pid: number;
  startedAt: string;
  url: string;
  adminUrl: string;
  apiVersions: string[];
  modelVersion: string;
  endpoints: {
    name: string;
    url: string;
    keys: string[];
    adminUrl: string;
    quotaPerMinute: number;
    windowSeconds: number;
  }[];
}

export interface OutageRequest {
  seconds: number;
  mode?: OutageMode;
  startInSeconds?: number;
}

export interface VisionAdmin {
  describe(): Promise<EmulatorDescription>;
  counters(endpoint: string): Promise<EndpointCounters>;
  allCounters(): Promise<{ endpoints: Record<string, EndpointCounters>; total: TotalCounters }>;
  config(endpoint: string): Promise<EndpointView>;
  configure(patch: ConfigPatch, endpoint?: string): Promise<void>;
  outage(outage: OutageRequest, endpoint?: string): Promise<void>;
  endOutage(endpoint?: string): Promise<void>;
  reset(endpoint?: string): Promise<void>;
  requests(endpoint?: string, limit?: number): Promise<(RequestLogEntry & { endpoint?: string })[]>;
}

/** `adminUrl`: `http://127.0.0.1:{port}/emulator`, as the emulator and the Stack report it. */
export function visionAdmin(adminUrl: string): VisionAdmin {
  const base = adminUrl.replace(/\/emulator\/?$/, '');
  const at = (endpoint: string | undefined, action: string): string =>
    `${base}${endpoint === undefined ? '' : `/${encodeURIComponent(endpoint)}`}/emulator${action}`;

  async function call<T>(method: string, url: string, body?: unknown): Promise<T> {
    const response = await fetch(url, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${url} answered ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  }

  return {
    describe: () => call('GET', at(undefined, '')),
    counters: (endpoint) => call('GET', at(endpoint, '/counters')),
    allCounters: () => call('GET', at(undefined, '/counters')),
    config: (endpoint) => call('GET', at(endpoint, '/config')),
    configure: async (patch, endpoint) => {
      await call('PUT', at(endpoint, '/config'), patch);
    },
    outage: async (outage, endpoint) => {
      await call('POST', at(endpoint, '/outage'), outage);
    },
    endOutage: async (endpoint) => {
      await call('DELETE', at(endpoint, '/outage'));
    },
    reset: async (endpoint) => {
      await call('POST', at(endpoint, '/reset'));
    },
    requests: async (endpoint, limit = 50) =>
      (
        await call<{ requests: (RequestLogEntry & { endpoint?: string })[] }>(
          'GET',
          `${at(endpoint, '/requests')}?limit=${limit}`,
        )
      ).requests,
  };
}

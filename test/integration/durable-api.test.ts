/**
 * The durable client as app code uses it: a fixture app's HTTP triggers call the real
 * `DurableClient` from durable-functions and answer with what it returned, so these tests see
 * what a user's function sees. The Durable HTTP API is also called directly, as a script or the
 * URLs of `createCheckStatusResponse` would.
 */
import path from 'node:path';
import { startStack, type Stack } from '../../devhost/testing/stack';

const FIXTURE_APP = path.join(__dirname, '..', 'fixtures', 'durable-app');
const API = '/runtime/webhooks/durabletask';
/** A request that takes longer means the host stopped answering. */
const REQUEST_TIMEOUT_MS = 10_000;
/** Distinguishes this run's instance ids from any others in the task hub. */
const RUN = Date.now().toString(36);

interface ClientError {
  code: string;
  message: string;
}

/** What a fixture trigger answers: the client call's return value, or what it threw. */
interface ClientAnswer<T> {
  status: number;
  value?: T;
  error?: ClientError;
}

interface Status {
  name: string;
  instanceId: string;
  runtimeStatus: string;
  input: unknown;
  output: unknown;
  customStatus: unknown;
  createdTime: string;
  lastUpdatedTime: string;
  history?: unknown;
}

interface ApiStatus extends Omit<Status, 'history'> {
  historyEvents?: Record<string, unknown>[];
}

/** A type (not an interface) so that it is also a `Record<string, string>`. */
type ManagementUrls = {
  id: string;
  statusQueryGetUri: string;
  sendEventPostUri: string;
  terminatePostUri: string;
  rewindPostUri: string;
  purgeHistoryDeleteUri: string;
  restartPostUri: string;
  suspendPostUri: string;
  resumePostUri: string;
};

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ appDir: FIXTURE_APP, readyTimeoutMs: 60_000 });
});

afterAll(async () => {
  await stack?.stop();
});

/** fetch, failing instead of waiting when the host does not answer. */
function send(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
}

/** Calls a fixture trigger (one DurableClient method each). */
async function client<T>(
  method: 'GET' | 'POST' | 'DELETE',
  route: string,
  body?: unknown,
): Promise<ClientAnswer<T>> {
  const res = await send(`${stack.baseUrl}/api/client/${route}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as { value?: T; error?: ClientError };
  return { status: res.status, ...json };
}

/** The client call's value; fails the test with the client's error if it threw. */
async function value<T>(
  method: 'GET' | 'POST' | 'DELETE',
  route: string,
  body?: unknown,
): Promise<T> {
  const answer = await client<T>(method, route, body);
  if (answer.status !== 200) {
    throw new Error(
      `${method} client/${route} answered ${answer.status}: ${answer.error?.message}`,
    );
  }
  return answer.value as T;
}

function startNew(orchestrator: string, options: { instanceId?: string; input?: unknown } = {}) {
  return value<string>('POST', `orchestrators/${orchestrator}`, options);
}

function getStatus(id: string, query = ''): Promise<Status> {
  return value<Status>('GET', `instances/${encodeURIComponent(id)}${query}`);
}

async function waitForStatus(
  id: string,
  done: (s: Status) => boolean,
  timeoutMs = 15_000,
): Promise<Status> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await getStatus(id);
    if (done(status)) return status;
    if (Date.now() > deadline) {
      throw new Error(`Instance ${id} did not get there in time: ${JSON.stringify(status)}`);
    }
    await sleep(100);
  }
}

const inState =
  (...states: string[]) =>
  (s: Status) =>
    states.includes(s.runtimeStatus);
const waiting = (s: Status) => s.runtimeStatus === 'Running' && s.customStatus === 'waiting';

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Calls the Durable HTTP API directly, with the function key unless told otherwise. */
function api(
  method: string,
  route: string,
  init: { key?: string | null; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
  const key = init.key === undefined ? stack.functionsKey : init.key;
  return send(`${stack.baseUrl}${API}/${route}`, {
    method,
    headers: {
      ...(key === null ? {} : { 'x-functions-key': key }),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

async function apiStatus(id: string, query = ''): Promise<{ status: number; body: ApiStatus }> {
  const res = await api('GET', `instances/${encodeURIComponent(id)}${query}`);
  const text = await res.text();
  return { status: res.status, body: (text === '' ? {} : JSON.parse(text)) as ApiStatus };
}

describe('Class: DurableClient', () => {
  describe('Method: startNew', () => {
    it('starts an instance under a new id and runs it to completion', async () => {
      // Act
      const id = await startNew('Greet', { input: 'Ada' });
      const status = await waitForStatus(id, inState('Completed', 'Failed'));

      // Assess
      expect(id).toMatch(/^[0-9a-f]{32}$/);
      expect(status).toMatchObject({
        name: 'Greet',
        instanceId: id,
        runtimeStatus: 'Completed',
        input: 'Ada',
        output: 'Hello, Ada!',
        customStatus: null,
      });
      expect(Date.parse(status.lastUpdatedTime)).toBeGreaterThanOrEqual(
        Date.parse(status.createdTime),
      );
    });

    it('starts an instance under the id it is given', async () => {
      // Prepare
      const instanceId = `given-${RUN}`;

      // Act
      const id = await startNew('Greet', { instanceId, input: 'Grace' });
      const status = await waitForStatus(instanceId, inState('Completed', 'Failed'));

      // Assess
      expect(id).toBe(instanceId);
      expect(status).toMatchObject({ runtimeStatus: 'Completed', output: 'Hello, Grace!' });
    });

    it('refuses a second start of an instance that is still running', async () => {
      // Prepare
      const instanceId = `twice-${RUN}`;
      await startNew('AwaitApproval', { instanceId, input: 'first' });
      await waitForStatus(instanceId, waiting);

      // Act
      const second = await client<string>('POST', 'orchestrators/AwaitApproval', {
        instanceId,
        input: 'second',
      });

      // Assess
      expect(second.status).toBe(500);
      expect(second.error?.message).toMatch(/409/);
      expect(await getStatus(instanceId)).toMatchObject({
        runtimeStatus: 'Running',
        input: 'first',
      });
    });
  });

  describe('Method: getStatus', () => {
    let id: string;

    beforeAll(async () => {
      id = await startNew('Greet', { input: 'Lin' });
      await waitForStatus(id, inState('Completed', 'Failed'));
    });

    it('shows the input by default and with showInput', async () => {
      expect((await getStatus(id)).input).toBe('Lin');
      expect((await getStatus(id, '?showInput=true')).input).toBe('Lin');
    });

    it('still shows the input with showInput false, which the client does not send', async () => {
      // The client only adds showInput when it is true, and the API defaults it to true.
      expect((await getStatus(id, '?showInput=false')).input).toBe('Lin');
      expect((await apiStatus(id, '?showInput=false')).body.input).toBeNull();
    });

    it('leaves history undefined even with showHistory, as durable-functions 3.x does', async () => {
      // The client reads `history` while the API answers `historyEvents` (durable-js #620).
      const status = await getStatus(id, '?showHistory=true&showHistoryOutput=true');
      expect(status).toMatchObject({ runtimeStatus: 'Completed', output: 'Hello, Lin!' });
      expect(status.history).toBeUndefined();
    });

    it('answers the same query on the API with historyEvents, with outputs only when asked', async () => {
      // Act
      const plain = await apiStatus(id, '?showHistory=true');
      const withOutput = await apiStatus(id, '?showHistory=true&showHistoryOutput=true');
      const without = await apiStatus(id);

      // Assess
      expect(plain.status).toBe(200);
      expect(without.body.historyEvents).toBeUndefined();
      const types = (plain.body.historyEvents ?? []).map((e) => e.EventType);
      expect(types).toEqual(['ExecutionStarted', 'TaskCompleted', 'ExecutionCompleted']);
      expect(plain.body.historyEvents?.[1]).toMatchObject({ FunctionName: 'SayHello' });
      expect(plain.body.historyEvents?.[1]).not.toHaveProperty('Result');
      expect(withOutput.body.historyEvents).toEqual([
        expect.objectContaining({ EventType: 'ExecutionStarted', FunctionName: 'Greet' }),
        expect.objectContaining({ EventType: 'TaskCompleted', Result: 'Hello, Lin!' }),
        expect.objectContaining({ EventType: 'ExecutionCompleted', Result: 'Hello, Lin!' }),
      ]);
    });

    it('reports a running instance with its custom status and no output yet', async () => {
      // Prepare
      const running = await startNew('AwaitApproval', { input: 'pending' });

      // Act
      const status = await waitForStatus(running, waiting);

      // Assess
      expect(status).toMatchObject({ runtimeStatus: 'Running', output: null, input: 'pending' });
      await value('POST', `instances/${running}/terminate?reason=cleanup`);
    });

    it('throws for an unknown instance, mentioning the 404', async () => {
      const answer = await client<Status>('GET', `instances/unknown-${RUN}`);
      expect(answer.status).toBe(500);
      expect(answer.error?.message).toMatch(/404/);
      expect(answer.error?.message).toContain(`unknown-${RUN}`);
    });
  });

  describe('Methods: getStatusBy and getStatusAll', () => {
    const COUNT = 105;
    let from: Date;
    let to: Date;
    let ids: string[];

    beforeAll(async () => {
      from = new Date();
      ids = await value<string[]>('POST', 'orchestrators/Echo/many', {
        count: COUNT,
        input: 'many',
      });
      to = new Date();
    });

    it('follows x-ms-continuation-token past the first page of 100', async () => {
      // Act
      const found = await value<Status[]>('POST', 'query', {
        createdTimeFrom: from.toISOString(),
        createdTimeTo: to.toISOString(),
      });

      // Assess
      expect(found).toHaveLength(COUNT);
      expect(new Set(found.map((s) => s.instanceId))).toEqual(new Set(ids));
      expect(found.every((s) => s.name === 'Echo')).toBe(true);
    });

    it('filters by runtime status within the window', async () => {
      // Prepare
      const filter = { createdTimeFrom: from.toISOString(), createdTimeTo: to.toISOString() };
      const deadline = Date.now() + 20_000;
      let completed: Status[] = [];
      while (Date.now() < deadline) {
        completed = await value<Status[]>('POST', 'query', {
          ...filter,
          runtimeStatus: ['Completed'],
        });
        if (completed.length === COUNT) break;
        await sleep(200);
      }

      // Act
      const unfinished = await value<Status[]>('POST', 'query', {
        ...filter,
        runtimeStatus: ['Pending', 'Running'],
      });

      // Assess
      expect(completed).toHaveLength(COUNT);
      expect(completed.every((s) => s.runtimeStatus === 'Completed' && s.output === 'many')).toBe(
        true,
      );
      expect(unfinished).toEqual([]);
    });

    it('finds a waiting instance by Running and leaves out finished ones', async () => {
      // Prepare
      const since = new Date();
      const running = await startNew('AwaitApproval');
      const finished = await startNew('Greet', { input: 'Kay' });
      await waitForStatus(running, waiting);
      await waitForStatus(finished, inState('Completed'));

      // Act
      const found = await value<Status[]>('POST', 'query', {
        createdTimeFrom: since.toISOString(),
        runtimeStatus: ['Running'],
      });

      // Assess
      expect(found.map((s) => s.instanceId)).toEqual([running]);
      expect(found[0]).toMatchObject({ name: 'AwaitApproval', customStatus: 'waiting' });
      await value('POST', `instances/${running}/terminate?reason=cleanup`);
    });

    it('lists every instance with getStatusAll, inputs included', async () => {
      // Act
      const all = await value<Status[]>('GET', 'instances');

      // Assess
      const listed = new Set(all.map((s) => s.instanceId));
      expect(all.length).toBeGreaterThan(COUNT);
      for (const id of [...ids, `given-${RUN}`]) expect(listed.has(id)).toBe(true);
      // The API lists inputs unless asked not to (showInput=false), and the client never asks.
      expect(all.find((s) => s.instanceId === `given-${RUN}`)).toEqual({
        name: 'Greet',
        instanceId: `given-${RUN}`,
        runtimeStatus: 'Completed',
        input: 'Grace',
        output: 'Hello, Grace!',
        customStatus: null,
        createdTime: expect.any(String),
        lastUpdatedTime: expect.any(String),
      });
    });
  });

  describe('Method: raiseEvent', () => {
    it('delivers an event to an instance that waits for it', async () => {
      // Prepare
      const id = await startNew('AwaitApproval');
      await waitForStatus(id, waiting);

      // Act
      const answer = await client<undefined>('POST', `instances/${id}/raiseEvent/Approval`, {
        by: 'Grace',
      });
      const status = await waitForStatus(id, inState('Completed', 'Failed'));

      // Assess
      expect(answer).toEqual({ status: 200 });
      expect(status.output).toEqual({ decision: { by: 'Grace' } });
    });

    it('keeps an event that arrives before the orchestrator waits for it', async () => {
      // Prepare
      const id = await startNew('SleepThenAwait', { input: { sleepMs: 1500 } });

      // Act
      await value('POST', `instances/${id}/raiseEvent/Go`, 'early');
      const early = await getStatus(id);
      const status = await waitForStatus(id, inState('Completed', 'Failed'));

      // Assess
      expect(early.customStatus).not.toBe('waiting');
      expect(status).toMatchObject({ runtimeStatus: 'Completed', output: { go: 'early' } });
      const { body } = await apiStatus(id, '?showHistory=true&showHistoryOutput=true');
      const types = (body.historyEvents ?? []).map((e) => e.EventType);
      expect(types.indexOf('EventRaised')).toBeGreaterThanOrEqual(0);
      expect(types.indexOf('EventRaised')).toBeLessThan(types.indexOf('TimerFired'));
      expect(body.historyEvents).toContainEqual(
        expect.objectContaining({ EventType: 'EventRaised', Name: 'Go', Input: 'early' }),
      );
    });

    it('ignores an event for a finished instance, as the API answers 410', async () => {
      // Prepare
      const id = await startNew('Greet', { input: 'Max' });
      await waitForStatus(id, inState('Completed'));

      // Act
      const answer = await client<undefined>('POST', `instances/${id}/raiseEvent/Approval`, 1);
      const raw = await api('POST', `instances/${id}/raiseEvent/Approval`, { body: 1 });

      // Assess
      expect(answer).toEqual({ status: 200 });
      expect(raw.status).toBe(410);
      expect((await getStatus(id)).output).toBe('Hello, Max!');
    });

    it('throws for an unknown instance', async () => {
      const answer = await client<undefined>('POST', `instances/nobody-${RUN}/raiseEvent/Go`, 1);
      expect(answer.status).toBe(500);
      expect(answer.error?.message).toBe(`No instance with ID 'nobody-${RUN}' found.`);
    });
  });

  describe('Method: terminate', () => {
    it('terminates a running instance with the reason as its output', async () => {
      // Prepare
      const id = await startNew('AwaitApproval');
      await waitForStatus(id, waiting);

      // Act
      const answer = await client<undefined>('POST', `instances/${id}/terminate?reason=operator`);
      const status = await waitForStatus(id, inState('Terminated', 'Completed', 'Failed'));

      // Assess
      expect(answer).toEqual({ status: 200 });
      expect(status).toMatchObject({ runtimeStatus: 'Terminated', output: 'operator' });
    });

    it('accepts terminating an instance that has already finished', async () => {
      // Prepare
      const id = await startNew('Greet', { input: 'Ola' });
      await waitForStatus(id, inState('Completed'));

      // Act
      const answer = await client<undefined>('POST', `instances/${id}/terminate?reason=late`);

      // Assess
      expect(answer).toEqual({ status: 200 });
      expect(await getStatus(id)).toMatchObject({
        runtimeStatus: 'Completed',
        output: 'Hello, Ola!',
      });
    });

    it('throws for an unknown instance', async () => {
      const answer = await client<undefined>('POST', `instances/nobody-${RUN}/terminate`);
      expect(answer.error?.message).toBe(`No instance with ID 'nobody-${RUN}' found.`);
    });
  });

  describe('Methods: suspend and resume', () => {
    it('suspends a waiting instance and resumes it where it was', async () => {
      // Prepare
      const id = await startNew('AwaitApproval');
      await waitForStatus(id, waiting);

      // Act
      const suspend = await client<undefined>('POST', `instances/${id}/suspend?reason=maintenance`);
      const suspended = await waitForStatus(id, inState('Suspended', 'Completed', 'Failed'));
      const resume = await client<undefined>('POST', `instances/${id}/resume?reason=done`);
      const resumed = await waitForStatus(id, inState('Running', 'Completed', 'Failed'));
      await value('POST', `instances/${id}/raiseEvent/Approval`, 'after-resume');
      const status = await waitForStatus(id, inState('Completed', 'Failed', 'Terminated'));

      // Assess
      expect([suspend, resume]).toEqual([{ status: 200 }, { status: 200 }]);
      expect(suspended).toMatchObject({ runtimeStatus: 'Suspended', customStatus: 'waiting' });
      expect(resumed.runtimeStatus).toBe('Running');
      expect(status).toMatchObject({
        runtimeStatus: 'Completed',
        output: { decision: 'after-resume' },
      });
      const { body } = await apiStatus(id, '?showHistory=true');
      expect(body.historyEvents).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ EventType: 'ExecutionSuspended', Input: 'maintenance' }),
          expect.objectContaining({ EventType: 'ExecutionResumed', Input: 'done' }),
        ]),
      );
    });

    it('throws for an unknown instance', async () => {
      const suspend = await client<undefined>('POST', `instances/nobody-${RUN}/suspend`);
      const resume = await client<undefined>('POST', `instances/nobody-${RUN}/resume`);
      expect(suspend.error?.message).toBe(`No instance with ID 'nobody-${RUN}' found.`);
      expect(resume.error?.message).toBe(`No instance with ID 'nobody-${RUN}' found.`);
    });
  });

  describe('Method: rewind', () => {
    it('throws, as the API answers 501 and the instance stays Failed', async () => {
      // Prepare
      const id = await startNew('Explode', { input: 'bad' });
      const failed = await waitForStatus(id, inState('Failed', 'Completed'));

      // Act
      const answer = await client<undefined>('POST', `instances/${id}/rewind?reason=retry`);
      const raw = await api('POST', `instances/${id}/rewind?reason=retry`);

      // Assess
      expect(failed.runtimeStatus).toBe('Failed');
      expect(answer.status).toBe(500);
      expect(answer.error).toEqual(expect.objectContaining({ code: 'DURABLE_CLIENT_ERROR' }));
      expect(raw.status).toBe(501);
      expect((await getStatus(id)).runtimeStatus).toBe('Failed');
    });

    it('refuses an instance that has not failed with 412, whether or not rewind is supported', async () => {
      // Prepare
      const id = await startNew('Greet', { input: 'Rae' });
      await waitForStatus(id, inState('Completed'));

      // Act
      const answer = await client<undefined>('POST', `instances/${id}/rewind?reason=retry`);
      const raw = await api('POST', `instances/${id}/rewind?reason=retry`);

      // Assess
      expect(answer.status).toBe(500);
      expect(raw.status).toBe(412);
      expect((await getStatus(id)).output).toBe('Hello, Rae!');
    });

    it('throws for an unknown instance', async () => {
      const answer = await client<undefined>('POST', `instances/nobody-${RUN}/rewind?reason=x`);
      const raw = await api('POST', `instances/nobody-${RUN}/rewind?reason=x`);
      expect(answer.status).toBe(500);
      expect(raw.status).toBe(404);
    });
  });

  describe('Methods: purgeInstanceHistory and purgeInstanceHistoryBy', () => {
    it('purges one finished instance, after which it is unknown', async () => {
      // Prepare
      const id = await startNew('Greet', { input: 'Bo' });
      await waitForStatus(id, inState('Completed'));

      // Act
      const first = await value<{ instancesDeleted: number }>('DELETE', `instances/${id}`);
      const again = await value<{ instancesDeleted: number }>('DELETE', `instances/${id}`);
      const after = await client<Status>('GET', `instances/${id}`);

      // Assess
      expect(first).toEqual({ instancesDeleted: 1 });
      expect(again).toEqual({ instancesDeleted: 0 });
      expect(after.error?.message).toMatch(/404/);
    });

    it('refuses to purge an instance that is still running, as the API answers 412', async () => {
      // Prepare
      const id = await startNew('AwaitApproval');
      await waitForStatus(id, waiting);

      // Act
      const answer = await client<{ instancesDeleted: number }>('DELETE', `instances/${id}`);
      const raw = await api('DELETE', `instances/${id}`);
      const after = await getStatus(id);

      // Assess
      expect(answer.status).toBe(500);
      expect(answer.error?.message).toMatch(/412/);
      expect(raw.status).toBe(412);
      expect(after).toMatchObject({ runtimeStatus: 'Running', customStatus: 'waiting' });
      await value('POST', `instances/${id}/terminate?reason=cleanup`);
    });

    it('purges the finished instances a filter selects and nothing else', async () => {
      // Prepare
      const from = new Date();
      const done = [await startNew('Echo', { input: 1 }), await startNew('Echo', { input: 2 })];
      const running = await startNew('AwaitApproval');
      const to = new Date();
      for (const id of done) await waitForStatus(id, inState('Completed'));
      await waitForStatus(running, waiting);
      const filter = { createdTimeFrom: from.toISOString(), createdTimeTo: to.toISOString() };

      // Act
      const purged = await value<{ instancesDeleted: number }>('POST', 'purge', {
        ...filter,
        runtimeStatus: ['Completed'],
      });
      const again = await value<{ instancesDeleted: number }>('POST', 'purge', {
        ...filter,
        runtimeStatus: ['Completed'],
      });
      const left = await value<Status[]>('POST', 'query', filter);

      // Assess
      expect(purged).toEqual({ instancesDeleted: 2 });
      expect(again).toEqual({ instancesDeleted: 0 });
      expect(left.map((s) => s.instanceId)).toEqual([running]);
      await value('POST', `instances/${running}/terminate?reason=cleanup`);
    });
  });

  describe('Methods: signalEntity and readEntityState', () => {
    it('applies signals in order and reads the state back', async () => {
      // Prepare
      const key = `k-${RUN}`;

      // Act
      await value('POST', `entities/Counter/${key}/add`, 5);
      await value('POST', `entities/Counter/${key}/add`, 7);
      const deadline = Date.now() + 10_000;
      let read = await value<{ entityExists: boolean; entityState?: unknown }>(
        'GET',
        `entities/Counter/${key}`,
      );
      while (read.entityState !== 12 && Date.now() < deadline) {
        await sleep(100);
        read = await value('GET', `entities/Counter/${key}`);
      }
      await value('POST', `entities/Counter/${key}/reset`);
      let reset = read;
      while (reset.entityState !== 0 && Date.now() < deadline) {
        await sleep(100);
        reset = await value('GET', `entities/Counter/${key}`);
      }

      // Assess
      expect(read).toEqual({ entityExists: true, entityState: 12 });
      expect(reset).toEqual({ entityExists: true, entityState: 0 });
    });

    it('reads an entity that was never signalled as not existing', async () => {
      const read = await value<{ entityExists: boolean; entityState?: unknown }>(
        'GET',
        `entities/Counter/never-${RUN}`,
      );
      expect(read).toEqual({ entityExists: false });
    });
  });

  describe('Method: createCheckStatusResponse', () => {
    it('answers 202 with management URLs that work against the host', async () => {
      // Act
      const res = await send(`${stack.baseUrl}/api/client/orchestrators/AwaitApproval/check`, {
        method: 'POST',
        body: JSON.stringify({ input: 'check' }),
      });
      const urls = (await res.json()) as ManagementUrls;
      const id = urls.id;
      await waitForStatus(id, waiting);

      // Assess: the response
      expect(res.status).toBe(202);
      expect(res.headers.get('location')).toBe(urls.statusQueryGetUri);
      expect(res.headers.get('retry-after')).toBe('10');
      for (const [name, url] of Object.entries<string>(urls)) {
        if (name === 'id') continue;
        expect(new URL(url).origin).toBe(new URL(stack.baseUrl).origin);
        expect(url).toContain(`/instances/${id}`);
      }

      // Assess: each URL
      const running = await send(urls.statusQueryGetUri);
      expect(running.status).toBe(202);
      expect(await running.json()).toMatchObject({ instanceId: id, runtimeStatus: 'Running' });

      const suspend = await send(urls.suspendPostUri.replace('{text}', 'pause'), {
        method: 'POST',
      });
      expect(suspend.status).toBe(202);
      await waitForStatus(id, inState('Suspended'));
      const resume = await send(urls.resumePostUri.replace('{text}', 'go'), { method: 'POST' });
      expect(resume.status).toBe(202);
      await waitForStatus(id, inState('Running'));

      const raise = await send(urls.sendEventPostUri.replace('{eventName}', 'Approval'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify('by-url'),
      });
      expect(raise.status).toBe(202);
      await waitForStatus(id, inState('Completed', 'Failed'));
      const completed = await send(urls.statusQueryGetUri);
      expect(completed.status).toBe(200);
      expect(await completed.json()).toMatchObject({
        runtimeStatus: 'Completed',
        input: 'check',
        output: { decision: 'by-url' },
      });

      const terminate = await send(urls.terminatePostUri.replace('{text}', 'late'), {
        method: 'POST',
      });
      expect(terminate.status).toBe(410);

      const purge = await send(urls.purgeHistoryDeleteUri, { method: 'DELETE' });
      expect(purge.status).toBe(200);
      expect(await purge.json()).toEqual({ instancesDeleted: 1 });
      expect((await send(urls.statusQueryGetUri)).status).toBe(404);
    });
  });
});

describe('Durable HTTP API', () => {
  it('answers 401 without the function key or with a wrong one', async () => {
    // Act
    const none = await api('GET', 'instances', { key: null });
    const wrong = await api('GET', 'instances', { key: 'not-the-key' });
    const start = await api('POST', `orchestrators/Greet/nokey-${RUN}`, { key: null, body: 'x' });
    const right = await api('GET', 'instances');
    const byQuery = await send(
      `${stack.baseUrl}${API}/instances?code=${encodeURIComponent(stack.functionsKey)}`,
    );

    // Assess
    expect([none.status, wrong.status, start.status]).toEqual([401, 401, 401]);
    expect([right.status, byQuery.status]).toEqual([200, 200]);
    expect((await apiStatus(`nokey-${RUN}`)).status).toBe(404);
  });

  it('lists the instances whose id starts with instanceIdPrefix, page by page with top', async () => {
    // Prepare
    const prefix = `pfx-${RUN}-`;
    const wanted = [`${prefix}a`, `${prefix}b`, `${prefix}c`];
    for (const instanceId of [...wanted, `other-${RUN}-a`]) {
      await startNew('Echo', { instanceId, input: instanceId });
    }

    // Act
    const all = await api('GET', `instances?instanceIdPrefix=${prefix}`);
    const pages: string[][] = [];
    let token: string | null = null;
    do {
      const res: Response = await api('GET', `instances?instanceIdPrefix=${prefix}&top=2`, {
        headers: token ? { 'x-ms-continuation-token': token } : {},
      });
      expect(res.status).toBe(200);
      pages.push(((await res.json()) as ApiStatus[]).map((s) => s.instanceId));
      token = res.headers.get('x-ms-continuation-token');
    } while (token && pages.length < 10);

    // Assess
    expect(all.status).toBe(200);
    const listed = ((await all.json()) as ApiStatus[]).map((s) => s.instanceId);
    expect(listed.sort()).toEqual(wanted);
    expect(pages[0]).toHaveLength(2);
    expect(pages.flat().sort()).toEqual(wanted);
  });

  it('restarts a finished instance under the same id', async () => {
    // Prepare
    const id = `restart-${RUN}`;
    await startNew('Greet', { instanceId: id, input: 'Ida' });
    const first = await waitForStatus(id, inState('Completed'));

    // Act
    const res = await api('POST', `instances/${id}/restart`);
    const body = (await res.json()) as ManagementUrls;
    const again = await waitForStatus(
      id,
      (s) => s.createdTime !== first.createdTime && s.runtimeStatus === 'Completed',
    );

    // Assess
    expect(res.status).toBe(202);
    expect(body.id).toBe(id);
    expect(res.headers.get('location')).toBe(body.statusQueryGetUri);
    expect(again).toMatchObject({ input: 'Ida', output: 'Hello, Ida!' });
    expect(Date.parse(again.createdTime)).toBeGreaterThan(Date.parse(first.createdTime));
  });

  it('restarts a finished instance under a new id with restartWithNewInstanceId', async () => {
    // Prepare
    const id = `restart-new-${RUN}`;
    await startNew('Greet', { instanceId: id, input: 'Eve' });
    const original = await waitForStatus(id, inState('Completed'));

    // Act
    const res = await api('POST', `instances/${id}/restart?restartWithNewInstanceId=true`);
    const body = (await res.json()) as ManagementUrls;
    const copy = await waitForStatus(body.id, inState('Completed', 'Failed'));

    // Assess
    expect(res.status).toBe(202);
    expect(body.id).not.toBe(id);
    expect(copy).toMatchObject({ name: 'Greet', input: 'Eve', output: 'Hello, Eve!' });
    expect(await getStatus(id)).toEqual(original);
  });

  it('refuses to restart a running instance under the same id with 409', async () => {
    // Prepare
    const id = `restart-running-${RUN}`;
    await startNew('AwaitApproval', { instanceId: id, input: 'one' });
    await waitForStatus(id, waiting);

    // Act
    const res = await api('POST', `instances/${id}/restart`);

    // Assess
    expect(res.status).toBe(409);
    expect(await getStatus(id)).toMatchObject({ runtimeStatus: 'Running', input: 'one' });
    await value('POST', `instances/${id}/terminate?reason=cleanup`);
  });

  it('answers 400 to a restart of an unknown instance', async () => {
    const res = await api('POST', `instances/missing-${RUN}/restart`);
    expect(res.status).toBe(400);
  });

  it('answers 404 for an unknown instance or entity', async () => {
    const unknown = `missing-${RUN}`;
    const answers = await Promise.all([
      api('GET', `instances/${unknown}`),
      api('DELETE', `instances/${unknown}`),
      api('POST', `instances/${unknown}/raiseEvent/Go`, { body: 1 }),
      api('POST', `instances/${unknown}/terminate?reason=x`),
      api('POST', `instances/${unknown}/suspend?reason=x`),
      api('POST', `instances/${unknown}/resume?reason=x`),
      api('GET', `entities/Counter/${unknown}`),
    ]);
    expect(answers.map((r) => r.status)).toEqual([404, 404, 404, 404, 404, 404, 404]);
  });
});

// Last on purpose: should the host stop answering here, no other test is affected.
describe('Class: DurableClient, events for a suspended instance', () => {
  it('holds an event raised while suspended and delivers it after resume', async () => {
    // Prepare
    const id = await startNew('AwaitApproval');
    await waitForStatus(id, waiting);
    await value('POST', `instances/${id}/suspend?reason=maintenance`);
    await waitForStatus(id, inState('Suspended', 'Completed', 'Failed'));

    // Act
    const raise = await client<undefined>('POST', `instances/${id}/raiseEvent/Approval`, 'held');
    await sleep(750);
    const held = await getStatus(id);
    await value('POST', `instances/${id}/resume?reason=done`);
    const status = await waitForStatus(id, inState('Completed', 'Failed', 'Terminated'));

    // Assess
    expect(raise).toEqual({ status: 200 });
    expect(held).toMatchObject({ runtimeStatus: 'Suspended', output: null });
    expect(status).toMatchObject({ runtimeStatus: 'Completed', output: { decision: 'held' } });
  });
});

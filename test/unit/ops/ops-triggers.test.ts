import type { HttpResponseInit } from '@azure/functions';
import { createGetOrchestration } from '../../../src/triggers/ops/get-orchestration';
import { createListOrchestrations } from '../../../src/triggers/ops/list-orchestrations';
import { createPurgeOrchestration } from '../../../src/triggers/ops/purge-orchestration';
import { createRestartOrchestration } from '../../../src/triggers/ops/restart-orchestration';
import { createTerminateOrchestration } from '../../../src/triggers/ops/terminate-orchestration';
import { header, jsonOf, request, testContext } from '../support/context';
import recorded from './fixtures/histories.json';
import { FakeOrchestrationAdmin } from './support/fake-orchestration-admin';
import type { RecordedHistory } from './support/history-scenarios';

const BASE = 'http://localhost:7071/api/ops/orchestrations';

interface ErrorBody {
  error: { code: string; message: string };
}

function errorOf(response: HttpResponseInit): ErrorBody['error'] {
  return jsonOf<ErrorBody>(response).error;
}

function setup() {
  const admin = new FakeOrchestrationAdmin()
    .add({ instanceId: 'img-a-1', createdTime: '2026-11-01T08:00:00.000Z' })
    .add({
      instanceId: 'img-b-1',
      createdTime: '2026-11-01T09:00:00.000Z',
      runtimeStatus: 'Running',
      customStatus: { steps: [] },
      output: null,
    });
  const deps = { adminFor: () => admin };
  const call = (
    handler: ReturnType<typeof createListOrchestrations>,
    path: string,
    init: { method?: string; params?: Record<string, string>; body?: string } = {},
  ) =>
    handler(
      request({
        url: `${BASE}${path}`,
        method: init.method ?? 'GET',
        params: init.params ?? {},
        ...(init.body === undefined ? {} : { body: { string: init.body } }),
      }),
      testContext().context,
    );
  return { admin, deps, call };
}

describe('Function: opsListOrchestrations', () => {
  it('lists instances newest first, output only for finished ones', async () => {
    // Prepare
    const { deps, call } = setup();

    // Act
    const response = await call(createListOrchestrations(deps), '');

    // Assess
    expect(response.status).toBe(200);
    expect(jsonOf(response)).toEqual({
      items: [
        {
          instanceId: 'img-b-1',
          name: 'processImage',
          runtimeStatus: 'Running',
          createdTime: '2026-11-01T09:00:00.000Z',
          lastUpdatedTime: '2026-11-01T08:00:05.000Z',
          customStatus: { steps: [] },
        },
        {
          instanceId: 'img-a-1',
          name: 'processImage',
          runtimeStatus: 'Completed',
          createdTime: '2026-11-01T08:00:00.000Z',
          lastUpdatedTime: '2026-11-01T08:00:05.000Z',
          output: { status: 'Completed' },
        },
      ],
      continuationToken: null,
    });
  });

  it('hands status and creation window to the task hub and pages with a token', async () => {
    // Prepare
    const { admin, deps, call } = setup();
    const handler = createListOrchestrations(deps);

    // Act
    const first = jsonOf<{ items: { instanceId: string }[]; continuationToken: string }>(
      await call(handler, '?limit=1&runtimeStatus=completed,running&createdFrom=2026-11-01'),
    );
    const second = jsonOf<{ items: { instanceId: string }[]; continuationToken: string | null }>(
      await call(
        handler,
        `?limit=1&runtimeStatus=completed,running&createdFrom=2026-11-01&continuationToken=${first.continuationToken}`,
      ),
    );

    // Assess
    expect(first.items.map((i) => i.instanceId)).toEqual(['img-b-1']);
    expect(second.items.map((i) => i.instanceId)).toEqual(['img-a-1']);
    expect(second.continuationToken).toBeNull();
    expect(admin.filters[0]).toEqual({
      runtimeStatus: ['Completed', 'Running'],
      createdFrom: '2026-11-01T00:00:00.000Z',
    });
    expect(admin.filters[1]?.createdTo).toBe('2026-11-01T09:00:00.001Z');
  });

  it('answers 400 INVALID_QUERY naming the parameter', async () => {
    // Prepare
    const { deps, call } = setup();

    // Act
    const response = await call(createListOrchestrations(deps), '?runtimeStatus=Done');

    // Assess
    expect(response.status).toBe(400);
    expect(errorOf(response).code).toBe('INVALID_QUERY');
    expect(errorOf(response).message).toContain('runtimeStatus');
  });
});

describe('Function: opsGetOrchestration', () => {
  it('returns the status with its input', async () => {
    // Prepare
    const { deps, call } = setup();

    // Act
    const response = await call(createGetOrchestration(deps), '/img-a-1', {
      params: { instanceId: 'img-a-1' },
    });

    // Assess
    expect(response.status).toBe(200);
    expect(jsonOf(response)).toMatchObject({
      instanceId: 'img-a-1',
      input: { imageId: 'img-a-1' },
      output: { status: 'Completed' },
    });
    expect(jsonOf<object>(response)).not.toHaveProperty('timeline');
  });

  it('adds the timeline built from the history when asked', async () => {
    // Prepare
    const { admin, deps, call } = setup();
    const retries = (recorded as RecordedHistory[]).find((r) => r.scenario === 'retries');
    admin.histories.set('img-a-1', retries?.historyEvents ?? []);

    // Act
    const response = await call(createGetOrchestration(deps), '/img-a-1?history=TRUE', {
      params: { instanceId: 'img-a-1' },
    });

    // Assess
    const body = jsonOf<{ timeline: { kind: string; attempt?: number }[] }>(response);
    expect(body.timeline).toHaveLength(9);
    expect(body.timeline[5]).toMatchObject({ kind: 'activity', attempt: 3 });
  });

  it.each([
    ['an unknown instance', 'img-zzz', ''],
    ['an id no instance can have', 'a b', ''],
    ['an unknown instance, with history', 'img-zzz', '?history=true'],
  ])('answers 404 NOT_FOUND for %s', async (_, instanceId, query) => {
    // Prepare
    const { deps, call } = setup();

    // Act
    const response = await call(createGetOrchestration(deps), `/x${query}`, {
      params: { instanceId },
    });

    // Assess
    expect(response.status).toBe(404);
    expect(errorOf(response).code).toBe('NOT_FOUND');
  });

  it('answers 400 INVALID_QUERY when history is not a boolean', async () => {
    // Prepare
    const { deps, call } = setup();

    // Act
    const response = await call(createGetOrchestration(deps), '/img-a-1?history=yes', {
      params: { instanceId: 'img-a-1' },
    });

    // Assess
    expect(response.status).toBe(400);
    expect(errorOf(response).message).toContain('history');
  });
});

describe('Function: opsTerminateOrchestration', () => {
  it('asks a running instance to stop, with the reason given', async () => {
    // Prepare
    const { admin, deps, call } = setup();

    // Act
    const response = await call(createTerminateOrchestration(deps), '/img-b-1/terminate', {
      method: 'POST',
      params: { instanceId: 'img-b-1' },
      body: JSON.stringify({ reason: 'stuck since Tuesday' }),
    });

    // Assess
    expect(response.status).toBe(202);
    expect(jsonOf(response)).toEqual({
      instanceId: 'img-b-1',
      statusUrl: `${BASE}/img-b-1`,
    });
    expect(header(response, 'location')).toBe(`${BASE}/img-b-1`);
    expect(admin.terminated).toEqual([{ instanceId: 'img-b-1', reason: 'stuck since Tuesday' }]);
  });

  it('uses a default reason without a body', async () => {
    // Prepare
    const { admin, deps, call } = setup();

    // Act
    await call(createTerminateOrchestration(deps), '/img-b-1/terminate', {
      method: 'POST',
      params: { instanceId: 'img-b-1' },
    });

    // Assess
    expect(admin.terminated[0]?.reason).toBe('Terminated by an operator');
  });

  it.each([
    ['img-a-1', undefined, 409, 'INSTANCE_FINISHED'],
    ['img-nope', undefined, 404, 'NOT_FOUND'],
    ['img-b-1', 'not json', 400, 'INVALID_REQUEST'],
    ['img-b-1', '[]', 400, 'INVALID_REQUEST'],
    ['img-b-1', '{"reason":42}', 400, 'INVALID_REQUEST'],
  ])('%s with body %p answers %i %s', async (instanceId, body, status, code) => {
    // Prepare
    const { admin, deps, call } = setup();

    // Act
    const response = await call(createTerminateOrchestration(deps), '/x/terminate', {
      method: 'POST',
      params: { instanceId },
      ...(body === undefined ? {} : { body }),
    });

    // Assess
    expect(response.status).toBe(status);
    expect(errorOf(response).code).toBe(code);
    expect(admin.terminated).toEqual([]);
  });
});

describe('Function: opsRestartOrchestration', () => {
  it('starts the same orchestrator with the same input under a new id by default', async () => {
    // Prepare
    const { admin, deps, call } = setup();

    // Act
    const response = await call(
      createRestartOrchestration({ ...deps, newInstanceId: () => 'fresh-id' }),
      '/img-b-1/restart',
      { method: 'POST', params: { instanceId: 'img-b-1' } },
    );

    // Assess
    expect(response.status).toBe(202);
    expect(jsonOf(response)).toEqual({
      instanceId: 'fresh-id',
      restartedFrom: 'img-b-1',
      statusUrl: `${BASE}/fresh-id`,
    });
    expect(admin.started).toEqual([
      { orchestrator: 'processImage', instanceId: 'fresh-id', input: { imageId: 'img-b-1' } },
    ]);
  });

  it('reuses the id of a finished instance when asked', async () => {
    // Prepare
    const { admin, deps, call } = setup();

    // Act
    const response = await call(
      createRestartOrchestration({ ...deps, newInstanceId: () => 'unused' }),
      '/img-a-1/restart?restartWithNewInstanceId=false',
      { method: 'POST', params: { instanceId: 'img-a-1' } },
    );

    // Assess
    expect(response.status).toBe(202);
    expect(admin.started[0]?.instanceId).toBe('img-a-1');
  });

  it.each([
    ['img-b-1', '?restartWithNewInstanceId=false', 409, 'INSTANCE_RUNNING'],
    ['img-nope', '', 404, 'NOT_FOUND'],
    ['img-a-1', '?restartWithNewInstanceId=maybe', 400, 'INVALID_QUERY'],
  ])('%s%s answers %i %s', async (instanceId, query, status, code) => {
    // Prepare
    const { admin, deps, call } = setup();

    // Act
    const response = await call(
      createRestartOrchestration({ ...deps, newInstanceId: () => 'unused' }),
      `/x/restart${query}`,
      { method: 'POST', params: { instanceId } },
    );

    // Assess
    expect(response.status).toBe(status);
    expect(errorOf(response).code).toBe(code);
    expect(admin.started).toEqual([]);
  });
});

describe('Function: opsPurgeOrchestration', () => {
  it('purges a finished instance', async () => {
    // Prepare
    const { admin, deps, call } = setup();

    // Act
    const response = await call(createPurgeOrchestration(deps), '/img-a-1/purge', {
      method: 'POST',
      params: { instanceId: 'img-a-1' },
    });

    // Assess
    expect(response.status).toBe(200);
    expect(jsonOf(response)).toEqual({ instancesDeleted: 1 });
    expect(admin.purged).toEqual(['img-a-1']);
  });

  it.each([
    ['img-b-1', 409, 'INSTANCE_RUNNING'],
    ['img-nope', 404, 'NOT_FOUND'],
  ])('%s answers %i %s', async (instanceId, status, code) => {
    // Prepare
    const { admin, deps, call } = setup();

    // Act
    const response = await call(createPurgeOrchestration(deps), '/x/purge', {
      method: 'POST',
      params: { instanceId },
    });

    // Assess
    expect(response.status).toBe(status);
    expect(errorOf(response).code).toBe(code);
    expect(admin.purged).toEqual([]);
  });
});

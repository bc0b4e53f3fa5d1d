import * as df from 'durable-functions';
import { AppError } from '../../../src/domain/errors';
import { decodeCursor, encodeCursor } from '../../../src/domain/ops/cursor';
import { RUNTIME_STATUSES } from '../../../src/domain/ops/instance';
import { parseOrchestrationQuery } from '../../../src/domain/ops/query';

const parse = (query: string) => parseOrchestrationQuery(new URLSearchParams(query));

function errorOf(action: () => unknown): AppError {
  try {
    action();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('Function: parseOrchestrationQuery', () => {
  it('defaults to 50 instances of any kind', () => {
    // Act / Assess
    expect(parse('')).toEqual({ limit: 50 });
  });

  it('reads every filter and ignores parameters it does not know', () => {
    // Prepare
    const token = encodeCursor({ createdMs: Date.UTC(2026, 10, 2), instanceId: 'img-a-1' });

    // Act
    const query = parse(
      `runtimeStatus=running,FAILED&createdFrom=2026-11-01&createdTo=2026-11-02T08:30:00%2B02:00` +
        `&name=processImage&instanceIdPrefix=img-&limit=100&continuationToken=${token}&code=key`,
    );

    // Assess
    expect(query).toEqual({
      runtimeStatus: ['Running', 'Failed'],
      createdFrom: '2026-11-01T00:00:00.000Z',
      createdTo: '2026-11-02T06:30:00.000Z',
      name: 'processImage',
      instanceIdPrefix: 'img-',
      limit: 100,
      after: { createdMs: Date.UTC(2026, 10, 2), instanceId: 'img-a-1' },
    });
  });

  it('accepts every runtime status the SDK knows, in any case, once each', () => {
    // Act
    const query = parse(`runtimeStatus=${RUNTIME_STATUSES.join(',').toUpperCase()},running`);

    // Assess
    expect(query.runtimeStatus).toEqual([...RUNTIME_STATUSES]);
  });

  it.each([
    ['runtimeStatus=Runing', 'runtimeStatus'],
    ['runtimeStatus=', 'runtimeStatus'],
    ['runtimeStatus=Running,,Failed', 'runtimeStatus'],
    ['createdFrom=yesterday', 'createdFrom'],
    ['createdFrom=2026-13-01', 'createdFrom'],
    ['createdFrom=2026-11-01T08:00:00', 'createdFrom'],
    ['createdTo=1700000000', 'createdTo'],
    ['createdFrom=2026-11-02&createdTo=2026-11-01', 'createdFrom'],
    ['name=process%20image', 'name'],
    ['name=', 'name'],
    ['instanceIdPrefix=', 'instanceIdPrefix'],
    ['instanceIdPrefix=a/b', 'instanceIdPrefix'],
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=ten', 'limit'],
    ['limit=2.5', 'limit'],
    ['continuationToken=not%20a%20token', 'continuationToken'],
    ['continuationToken=e30', 'continuationToken'],
  ])('rejects %s with INVALID_QUERY naming %s', (query, parameter) => {
    // Act
    const error = errorOf(() => parse(query));

    // Assess
    expect(error.code).toBe('INVALID_QUERY');
    expect(error.status).toBe(400);
    expect(error.message).toContain(parameter);
  });

  it("lists the same runtime statuses as the SDK's OrchestrationRuntimeStatus", () => {
    // Assess
    expect([...RUNTIME_STATUSES].sort()).toEqual(
      Object.values(df.OrchestrationRuntimeStatus).sort(),
    );
  });
});

describe('Function: decodeCursor', () => {
  it('reads back what encodeCursor wrote', () => {
    // Prepare
    const cursor = { createdMs: 1_763_000_000_123, instanceId: 'img-x_y-0123' };

    // Act / Assess
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  it.each([
    '',
    '!!',
    Buffer.from('[1]').toString('base64url'),
    Buffer.from('["x","y"]').toString('base64url'),
  ])('rejects %p', (token) => {
    // Act / Assess
    expect(errorOf(() => decodeCursor(token)).code).toBe('INVALID_QUERY');
  });
});

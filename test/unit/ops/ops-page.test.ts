import type { OrchestrationInstance } from '../../../src/domain/ops/instance';
import { instanceFromStatus } from '../../../src/domain/ops/instance';
import { backendFilter, pageInstances } from '../../../src/domain/ops/page';
import { parseOrchestrationQuery, type OrchestrationQuery } from '../../../src/domain/ops/query';

function instance(
  instanceId: string,
  createdTime: string,
  extra: Partial<OrchestrationInstance> = {},
): OrchestrationInstance {
  return {
    instanceId,
    name: 'processImage',
    runtimeStatus: 'Completed',
    createdTime,
    lastUpdatedTime: createdTime,
    input: null,
    customStatus: null,
    output: null,
    ...extra,
  };
}

const query = (text: string): OrchestrationQuery =>
  parseOrchestrationQuery(new URLSearchParams(text));

/** Follows continuation tokens to the end, as a client would. */
function allPages(instances: OrchestrationInstance[], text: string): string[][] {
  const pages: string[][] = [];
  let q = query(text);
  for (;;) {
    const page = pageInstances(instances, q);
    pages.push(page.items.map((i) => i.instanceId));
    if (page.next === undefined) return pages;
    q = { ...q, after: page.next };
  }
}

describe('Function: pageInstances', () => {
  const t = (minute: number) => new Date(Date.UTC(2026, 10, 1, 8, minute)).toISOString();
  const instances = [
    instance('a', t(1)),
    instance('b', t(5), { name: 'other' }),
    instance('c', t(3)),
    instance('d', t(3)),
    instance('e', t(9), { runtimeStatus: 'Running' }),
    instance('f', t(7), { name: 'ProcessImage' }),
  ];

  it('serves the newest first, ties by instance id', () => {
    // Act / Assess
    expect(pageInstances(instances, query('')).items.map((i) => i.instanceId)).toEqual([
      'e',
      'f',
      'b',
      'd',
      'c',
      'a',
    ]);
  });

  it('pages through everything exactly once, with full pages until the last', () => {
    // Act / Assess
    expect(allPages(instances, 'limit=2')).toEqual([
      ['e', 'f'],
      ['b', 'd'],
      ['c', 'a'],
    ]);
  });

  it('filters by name before paging, so a page is never short while more match', () => {
    // Act / Assess
    expect(allPages(instances, 'name=processimage&limit=2')).toEqual([
      ['e', 'f'],
      ['d', 'c'],
      ['a'],
    ]);
  });

  it('filters by status, creation window and id prefix', () => {
    // Act / Assess
    expect(allPages(instances, 'runtimeStatus=Completed&createdFrom=2026-11-01T08:03:00Z')).toEqual(
      [['f', 'b', 'd', 'c']],
    );
    expect(allPages(instances, `createdTo=${t(3)}`)).toEqual([['d', 'c', 'a']]);
    expect(allPages([...instances, instance('img-1', t(2))], 'instanceIdPrefix=img-')).toEqual([
      ['img-1'],
    ]);
  });

  it('neither repeats nor skips when an instance starts between two pages', () => {
    // Prepare
    const first = pageInstances(instances, query('limit=3'));
    const later = [...instances, instance('z', t(30))];

    // Act
    const second = pageInstances(later, {
      ...query('limit=3'),
      ...(first.next ? { after: first.next } : {}),
    });

    // Assess
    expect(first.items.map((i) => i.instanceId)).toEqual(['e', 'f', 'b']);
    expect(second.items.map((i) => i.instanceId)).toEqual(['d', 'c', 'a']);
    expect(second.next).toBeUndefined();
  });
});

describe('Function: backendFilter', () => {
  it('passes status and window through and narrows the window to the cursor', () => {
    // Prepare
    const q = query('runtimeStatus=Failed&createdFrom=2026-11-01&createdTo=2026-12-01');

    // Act
    const first = backendFilter(q);
    const next = backendFilter({
      ...q,
      after: { createdMs: Date.UTC(2026, 10, 5), instanceId: 'x' },
    });

    // Assess
    expect(first).toEqual({
      runtimeStatus: ['Failed'],
      createdFrom: '2026-11-01T00:00:00.000Z',
      createdTo: '2026-12-01T00:00:00.000Z',
    });
    expect(next.createdTo).toBe('2026-11-05T00:00:00.001Z');
  });
});

describe('Function: instanceFromStatus', () => {
  it('reads raw JSON and SDK objects alike', () => {
    // Act
    const raw = instanceFromStatus({
      instanceId: 'i',
      name: 'n',
      runtimeStatus: 'Running',
      createdTime: '2026-11-01T08:00:00Z',
      lastUpdatedTime: '2026-11-01T08:00:01Z',
      input: { a: 1 },
      customStatus: null,
      output: null,
    });
    const sdk = instanceFromStatus({
      instanceId: 'i',
      name: 'n',
      runtimeStatus: 'Running',
      createdTime: new Date('2026-11-01T08:00:00Z'),
      lastUpdatedTime: new Date('2026-11-01T08:00:01Z'),
      input: { a: 1 },
      customStatus: undefined,
      output: undefined,
    });

    // Assess
    expect(raw).toEqual(sdk);
    expect(raw?.createdTime).toBe('2026-11-01T08:00:00.000Z');
  });

  it('skips entities and anything that is not a status', () => {
    // Act / Assess
    expect(
      instanceFromStatus({
        instanceId: '@counter@k',
        name: 'counter',
        runtimeStatus: 'Running',
        createdTime: '2026-11-01T08:00:00Z',
      }),
    ).toBeUndefined();
    expect(instanceFromStatus({ instanceId: 'x' })).toBeUndefined();
    expect(instanceFromStatus('x')).toBeUndefined();
  });
});

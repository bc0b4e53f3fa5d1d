import type { IncomingHttpHeaders } from 'node:http';
import {
  isMutation,
  journalEntryFor,
  routePath,
  type ProxiedRequest,
} from '../../../devhost/emulators/cosmos-mutations';

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

function request(
  method: string,
  url: string,
  headers: IncomingHttpHeaders,
  body?: unknown,
): ProxiedRequest {
  return { method, url, headers, body: body === undefined ? Buffer.alloc(0) : json(body) };
}

const stored = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  ...extra,
  _rid: `rid-${id}`,
  _self: `dbs/x/colls/y/docs/rid-${id}/`,
  _etag: `etag-${id}`,
  _ts: 1700000000,
});

describe('what the Cosmos journal records', () => {
  it('routes like the emulator: no query string, doubled or trailing slashes', () => {
    expect(routePath('//dbs/a/colls/b/docs/?x=1')).toBe('/dbs/a/colls/b/docs');
    expect(routePath('/')).toBe('/');
  });

  it('treats queries as reads and every other POST, PUT, PATCH and DELETE as a mutation', () => {
    expect(isMutation({ method: 'POST', headers: { 'x-ms-documentdb-isquery': 'True' } })).toBe(
      false,
    );
    expect(
      isMutation({ method: 'POST', headers: { 'content-type': 'application/query+json' } }),
    ).toBe(false);
    expect(isMutation({ method: 'POST', headers: {} })).toBe(true);
    expect(isMutation({ method: 'PATCH', headers: {} })).toBe(true);
    expect(isMutation({ method: 'GET', headers: {} })).toBe(false);
  });

  it('records a replace with If-Match as an unconditional upsert of the stored document', () => {
    const entry = journalEntryFor(
      request(
        'PUT',
        '/dbs/images/colls/records/docs/a',
        { 'if-match': '"old"', 'x-ms-documentdb-partitionkey': '["a"]' },
        { id: 'a', n: 2 },
      ),
      { status: 200, body: json(stored('a', { n: 2 })) },
    );
    expect(entry).toEqual({
      ops: [
        {
          method: 'POST',
          path: '/dbs/images/colls/records/docs',
          headers: {
            'content-type': 'application/json',
            'x-ms-documentdb-is-upsert': 'true',
            'x-ms-documentdb-partitionkey': '["a"]',
          },
          body: { id: 'a', n: 2 },
          system: {
            _rid: 'rid-a',
            _self: 'dbs/x/colls/y/docs/rid-a/',
            _etag: 'etag-a',
            _ts: 1700000000,
          },
        },
      ],
    });
  });

  it('records a patch by the document it produced', () => {
    const entry = journalEntryFor(
      request('PATCH', '/dbs/d/colls/c/docs/a', { 'x-ms-documentdb-partitionkey': '["a"]' }, [
        { op: 'add', path: '/seen', value: true },
      ]),
      { status: 200, body: json(stored('a', { seen: true })) },
    );
    expect(entry?.ops[0]?.body).toEqual({ id: 'a', seen: true });
  });

  it('records a delete with its partition key and without preconditions', () => {
    const entry = journalEntryFor(
      request('DELETE', '/dbs/d/colls/c/docs/a', {
        'if-match': '"x"',
        'x-ms-documentdb-partitionkey': '["a"]',
      }),
      { status: 204, body: Buffer.alloc(0) },
    );
    expect(entry).toEqual({
      ops: [
        {
          method: 'DELETE',
          path: '/dbs/d/colls/c/docs/a',
          headers: { 'x-ms-documentdb-partitionkey': '["a"]' },
        },
      ],
    });
  });

  it('records databases and containers as requested, with the system properties they got', () => {
    const entry = journalEntryFor(
      request(
        'POST',
        '/dbs/d/colls',
        { 'content-type': 'application/json' },
        {
          id: 'c',
          partitionKey: { paths: ['/id'] },
        },
      ),
      {
        status: 201,
        body: json({ id: 'c', partitionKey: { paths: ['/id'] }, _rid: 'r', _etag: 'e', _ts: 5 }),
      },
    );
    expect(entry?.ops).toEqual([
      {
        method: 'POST',
        path: '/dbs/d/colls',
        headers: { 'content-type': 'application/json' },
        body: { id: 'c', partitionKey: { paths: ['/id'] } },
        system: { _rid: 'r', _etag: 'e', _ts: 5 },
      },
    ]);
  });

  it('records only the batch operations that took effect', () => {
    const entry = journalEntryFor(
      request(
        'POST',
        '/dbs/d/colls/c/docs',
        { 'x-ms-cosmos-is-batch-request': 'True', 'x-ms-documentdb-partitionkey': '["p"]' },
        [
          { operationType: 'Upsert', resourceBody: { id: 'a' } },
          { operationType: 'Read', id: 'a' },
          { operationType: 'Create', resourceBody: { id: 'b' } },
          { operationType: 'Delete', id: 'c d', partitionKey: '["q"]' },
        ],
      ),
      {
        status: 200,
        body: json([
          { statusCode: 201, resourceBody: stored('a') },
          { statusCode: 200, resourceBody: stored('a') },
          { statusCode: 409 },
          { statusCode: 204 },
        ]),
      },
    );
    expect(
      entry?.ops.map((op) => [op.method, op.path, op.headers?.['x-ms-documentdb-partitionkey']]),
    ).toEqual([
      ['POST', '/dbs/d/colls/c/docs', '["p"]'],
      ['DELETE', '/dbs/d/colls/c/docs/c%20d', '["q"]'],
    ]);
  });

  it('records nothing for failed requests and for queries', () => {
    const create = request(
      'POST',
      '/dbs/d/colls/c/docs',
      { 'x-ms-documentdb-partitionkey': '["a"]' },
      { id: 'a' },
    );
    expect(
      journalEntryFor(create, { status: 409, body: json({ code: 'Conflict' }) }),
    ).toBeUndefined();
    const query = request(
      'POST',
      '/dbs/d/colls/c/docs',
      { 'x-ms-documentdb-isquery': 'true' },
      { query: 'SELECT 1' },
    );
    expect(journalEntryFor(query, { status: 200, body: json({ Documents: [] }) })).toBeUndefined();
  });
});

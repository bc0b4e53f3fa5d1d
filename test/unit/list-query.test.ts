import { AppError } from '../../src/domain/errors';
import {
  decodeContinuation,
  encodeContinuation,
  parseListQuery,
} from '../../src/domain/pipeline/list-query';

const parse = (query: string) => parseListQuery(new URLSearchParams(query));

describe('Function: parseListQuery', () => {
  it('defaults to 20 items of any status', () => {
    // Prepare / Act / Assess
    expect(parse('')).toEqual({ limit: 20 });
  });

  it('reads status, limit and continuation token', () => {
    // Prepare / Act
    const query = parse('status=Completed&limit=100&continuationToken=abc_-1&code=ignored');

    // Assess
    expect(query).toEqual({ status: 'Completed', limit: 100, continuationToken: 'abc_-1' });
  });

  it.each([
    'status=completed',
    'status=Done',
    'limit=0',
    'limit=101',
    'limit=1.5',
    'limit=ten',
    'limit=',
    'continuationToken=has%20spaces',
    'continuationToken=',
  ])('rejects %s with INVALID_QUERY', (query) => {
    // Prepare / Act
    let error: unknown;
    try {
      parse(query);
    } catch (caught) {
      error = caught;
    }

    // Assess
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('INVALID_QUERY');
  });
});

describe('Function: encodeContinuation / decodeContinuation', () => {
  it('round-trips a database token through a URL-safe form', () => {
    // Prepare
    const token = '{"token":"+RID:gAAB#RT:1","range":{"min":"","max":"FF"}}';

    // Act
    const encoded = encodeContinuation(token);

    // Assess
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeContinuation(encoded)).toBe(token);
  });
});

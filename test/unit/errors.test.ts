import { AppError, httpStatusOf, isPermanent, shortMessage } from '../../src/domain/errors';
import { permanentFailureOf } from '../../src/domain/outcome';
import { toErrorResponse, withErrorMapping } from '../../src/triggers/http-errors';
import { request, testContext } from './support/context';

describe('Class: AppError', () => {
  it('carries a stable code and the HTTP status that goes with it', () => {
    // Prepare / Act
    const error = new AppError('PAYLOAD_TOO_LARGE', 'too big');

    // Assess
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(error.status).toBe(413);
    expect(error.toInfo()).toEqual({ code: 'PAYLOAD_TOO_LARGE', message: 'too big' });
  });

  it.each([
    ['EMPTY_BODY', 400],
    ['INVALID_QUERY', 400],
    ['NOT_FOUND', 404],
    ['UNSUPPORTED_MEDIA_TYPE', 415],
    ['INTERNAL', 500],
  ] as const)('maps %s to %i', (code, status) => {
    // Prepare / Act / Assess
    expect(httpStatusOf(code)).toBe(status);
  });

  it('knows which failures are permanent', () => {
    // Prepare / Act / Assess
    expect(isPermanent('CORRUPT_IMAGE')).toBe(true);
    expect(isPermanent('IMAGE_TOO_LARGE')).toBe(true);
    expect(isPermanent('INTERNAL')).toBe(false);
    expect(permanentFailureOf(new AppError('CORRUPT_IMAGE', 'x'))).toEqual({
      ok: false,
      code: 'CORRUPT_IMAGE',
      message: 'x',
    });
    expect(permanentFailureOf(new Error('socket hang up'))).toBeUndefined();
  });
});

describe('Function: shortMessage', () => {
  it('keeps only the first line and bounds the length', () => {
    // Prepare / Act / Assess
    expect(shortMessage(new Error('first line\n    at secret (/app/x.js:1:1)'))).toBe('first line');
    expect(shortMessage('x'.repeat(1000))).toHaveLength(300);
    expect(shortMessage(42)).toBe('Unexpected error');
  });
});

describe('Function: toErrorResponse', () => {
  it('renders a known error as its own code and status', () => {
    // Prepare
    const { context } = testContext('uploadImage');

    // Act
    const response = toErrorResponse(
      new AppError('EMPTY_BODY', 'The request body is empty'),
      context,
    );

    // Assess
    expect(response.status).toBe(400);
    expect(response.jsonBody).toEqual({
      error: { code: 'EMPTY_BODY', message: 'The request body is empty' },
    });
  });

  it('hides unknown errors behind an opaque 500 and logs them', () => {
    // Prepare
    const { context, logs } = testContext('getImage');
    const secret = new Error('connect ECONNREFUSED 10.0.0.7:443 with key abc123');

    // Act
    const response = toErrorResponse(secret, context);

    // Assess
    expect(response.status).toBe(500);
    expect(response.jsonBody).toEqual({
      error: { code: 'INTERNAL', message: 'An unexpected error occurred' },
    });
    expect(JSON.stringify(response)).not.toContain('ECONNREFUSED');
    expect(logs.some((log) => log.level === 'error' && log.message.includes('getImage'))).toBe(
      true,
    );
  });
});

describe('Function: withErrorMapping', () => {
  it('turns a throwing handler into a JSON error response', async () => {
    // Prepare
    const handler = withErrorMapping(() =>
      Promise.reject(new TypeError('undefined is not a function')),
    );
    const { context } = testContext();

    // Act
    const response = await handler(request({ url: 'http://localhost/api/x' }), context);

    // Assess
    expect(response.status).toBe(500);
    expect(response.jsonBody).toEqual({
      error: { code: 'INTERNAL', message: 'An unexpected error occurred' },
    });
  });
});

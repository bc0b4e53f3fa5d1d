/**
 * Reading Azure AI Vision answers without a network: Retry-After in its two forms, the service's
 * error messages, the status classes the gate tells apart, and an ImageAnalysisResult turned into
 * an Analysis with crops mapped back to the original pixels.
 */
import {
  classifyAnswer,
  errorMessage,
  retryAfterMs,
  toAnalysis,
} from '../../../src/adapters/azure-vision-answer';

const NOW = Date.UTC(2025, 5, 1, 10, 0, 0);
const SAME_SIZE = { width: 1000, height: 500, originalWidth: 1000, originalHeight: 500 };

describe('Function: retryAfterMs', () => {
  it('reads seconds, fractions and HTTP dates, and prefers the millisecond headers', () => {
    expect(retryAfterMs({ 'retry-after': '12' }, NOW)).toBe(12_000);
    expect(retryAfterMs({ 'retry-after': '0.5' }, NOW)).toBe(500);
    expect(retryAfterMs({ 'retry-after': new Date(NOW + 30_000).toUTCString() }, NOW)).toBe(30_000);
    expect(retryAfterMs({ 'retry-after': new Date(NOW - 5_000).toUTCString() }, NOW)).toBe(0);
    expect(retryAfterMs({ 'retry-after': '12', 'retry-after-ms': '1500' }, NOW)).toBe(1500);
    expect(retryAfterMs({ 'x-ms-retry-after-ms': '250' }, NOW)).toBe(250);
  });

  it('is undefined without a usable header', () => {
    expect(retryAfterMs({}, NOW)).toBeUndefined();
    expect(retryAfterMs({ 'retry-after': 'soon' }, NOW)).toBeUndefined();
  });
});

describe('Function: errorMessage', () => {
  it('joins the message and a distinct inner message, and falls back to the status', () => {
    const body = {
      error: {
        code: 'InvalidRequest',
        message: 'Image format is not valid.',
        innererror: { code: 'InvalidImageFormat', message: 'Input data is not a valid image.' },
      },
    };

    expect(errorMessage(400, body)).toBe(
      'Image format is not valid. Input data is not a valid image.',
    );
    expect(errorMessage(401, { error: { code: '401', message: 'Access denied.' } })).toBe(
      'Access denied.',
    );
    expect(errorMessage(502, '<html>bad gateway</html>')).toBe('Azure AI Vision answered 502');
  });
});

describe('Function: classifyAnswer', () => {
  const error = { error: { code: 'X', message: 'm' } };

  it.each([
    [429, 'throttled'],
    [500, 'unavailable'],
    [502, 'unavailable'],
    [503, 'unavailable'],
    [408, 'unavailable'],
    [400, 'rejected'],
    [401, 'rejected'],
    [403, 'rejected'],
    [404, 'rejected'],
    [415, 'rejected'],
  ])('classifies %i as %s', (status, kind) => {
    expect(classifyAnswer(status, error, {}, SAME_SIZE, NOW).kind).toBe(kind);
  });

  it('keeps the status and the message of a refusal', () => {
    expect(classifyAnswer(400, error, {}, SAME_SIZE, NOW)).toEqual({
      kind: 'rejected',
      status: 400,
      message: 'm',
    });
  });

  it('treats a 200 without a result as unavailable', () => {
    expect(classifyAnswer(200, 'not json', {}, SAME_SIZE, NOW)).toMatchObject({
      kind: 'unavailable',
      status: 200,
    });
  });
});

describe('Function: toAnalysis', () => {
  const result = {
    modelVersion: '2023-10-01',
    metadata: { width: 1024, height: 512 },
    captionResult: { text: 'a dog on a beach', confidence: 0.8 },
    tagsResult: {
      values: [
        { name: 'dog', confidence: 0.98 },
        { name: 'beach', confidence: 0.9 },
      ],
    },
    readResult: {
      blocks: [
        { lines: [{ text: 'LIFEGUARD', boundingPolygon: [], words: [] }] },
        { lines: [{ text: 'ON DUTY', boundingPolygon: [], words: [] }] },
      ],
    },
    smartCropsResult: {
      values: [{ aspectRatio: 1, boundingBox: { x: 256, y: 0, w: 512, h: 512 } }],
    },
  };

  it('maps caption, tags, text lines and crops, scaling crops back to the original', () => {
    const sent = { width: 1024, height: 512, originalWidth: 4096, originalHeight: 2048 };

    expect(toAnalysis(result, sent)).toEqual({
      status: 'Completed',
      provider: 'azure',
      caption: 'a dog on a beach',
      tags: [
        { name: 'dog', confidence: 0.98 },
        { name: 'beach', confidence: 0.9 },
      ],
      text: 'LIFEGUARD\nON DUTY',
      smartCrops: [{ aspectRatio: 1, x: 1024, y: 0, width: 2048, height: 2048 }],
    });
  });

  it('keeps crops inside the original image', () => {
    const sent = { width: 1024, height: 512, originalWidth: 1023, originalHeight: 511 };
    const analysis = toAnalysis(
      {
        ...result,
        smartCropsResult: {
          values: [{ aspectRatio: 1, boundingBox: { x: 600, y: 0, w: 512, h: 512 } }],
        },
      },
      sent,
    );

    const crop = analysis?.smartCrops?.[0];
    expect(crop!.x + crop!.width).toBeLessThanOrEqual(1023);
    expect(crop!.y + crop!.height).toBeLessThanOrEqual(511);
  });

  it('leaves out what was not in the answer', () => {
    expect(toAnalysis({ modelVersion: 'x', metadata: { width: 1, height: 1 } }, SAME_SIZE)).toEqual(
      { status: 'Completed', provider: 'azure' },
    );
  });
});

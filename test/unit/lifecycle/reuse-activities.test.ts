/**
 * The reuse activities over in-memory ports: findTwin answers only a Completed, analysed twin;
 * copyTwinVariants copies each blob to the image's own name, and reports a vanished twin as a
 * value so processImage falls back to rendering.
 */
import { createCopyTwinVariants } from '../../../src/activities/lifecycle/copy-twin-variants';
import { createFindTwin } from '../../../src/activities/lifecycle/find-twin';
import { acceptedRecord, type ImageRecord } from '../../../src/domain/record';
import type { TwinQuery } from '../../../src/ports/record-store';
import { testContext } from '../support/context';

const twinRecord = (status: ImageRecord['status']): ImageRecord => ({
  ...acceptedRecord({
    id: '01twin00000000000000000000',
    now: new Date('2026-12-01T00:00:00.000Z'),
    filename: 'a.jpg',
    format: 'jpeg',
    contentType: 'image/jpeg',
    bytes: 3,
    sha256: 'c'.repeat(64),
    instanceId: null,
  }),
  status,
  analysis: { status: 'Completed', provider: 'local' },
});

describe('Activity: findTwin', () => {
  it('asks for the same bytes and spec, never the image itself, and returns the twin', async () => {
    // Prepare
    const asked: TwinQuery[] = [];
    const findTwin = createFindTwin({
      records: {
        findTwin: (query) => {
          asked.push(query);
          return Promise.resolve(twinRecord('Completed'));
        },
      },
    });
    // Act
    const output = await findTwin(
      { imageId: 'me', sha256: 'c'.repeat(64), processingSpec: 'spec' },
      testContext().context,
    );
    // Assess
    expect(asked).toEqual([{ sha256: 'c'.repeat(64), processingSpec: 'spec', excludeId: 'me' }]);
    expect(output.twin?.id).toBe('01twin00000000000000000000');
  });

  it('answers null for a record that is not Completed', async () => {
    // Prepare
    const findTwin = createFindTwin({
      records: { findTwin: () => Promise.resolve(twinRecord('CompletedWithWarnings')) },
    });
    // Act
    const output = await findTwin(
      { imageId: 'me', sha256: 'c'.repeat(64), processingSpec: 'spec' },
      testContext().context,
    );
    // Assess
    expect(output).toEqual({ twin: null });
  });
});

describe('Activity: copyTwinVariants', () => {
  const variant = (name: 'thumb' | 'medium') => ({
    name,
    width: 1,
    height: 1,
    format: 'webp' as const,
    contentType: 'image/webp',
    bytes: 1,
  });

  it("copies every variant blob to the image's own name", async () => {
    // Prepare
    const copies: string[] = [];
    const copy = createCopyTwinVariants({
      blobs: {
        copy: (container, from, to) => {
          copies.push(`${container}:${from}->${to}`);
          return Promise.resolve(true);
        },
      },
    });
    // Act
    const output = await copy(
      { imageId: 'new', twinId: 'old', variants: [variant('thumb'), variant('medium')] },
      testContext().context,
    );
    // Assess
    expect(output).toEqual({ ok: true, value: [variant('thumb'), variant('medium')] });
    expect(copies).toEqual([
      'images-variants:old/thumb.webp->new/thumb.webp',
      'images-variants:old/medium.webp->new/medium.webp',
    ]);
  });

  it('reports SOURCE_NOT_FOUND as a value when a twin blob is gone', async () => {
    // Prepare
    const copy = createCopyTwinVariants({ blobs: { copy: () => Promise.resolve(false) } });
    // Act
    const output = await copy(
      { imageId: 'new', twinId: 'old', variants: [variant('thumb')] },
      testContext().context,
    );
    // Assess
    expect(output).toMatchObject({ ok: false, code: 'SOURCE_NOT_FOUND' });
  });
});

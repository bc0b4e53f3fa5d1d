import { formatImageRecord } from '../../../cli/format/image-record';

describe('Function: formatImageRecord', () => {
  it('names the twin an image reused its results from', () => {
    // Act
    const text = formatImageRecord({
      id: '01new',
      status: 'Completed',
      reusedFrom: { id: '01twin', processingSpec: 'spec' },
    });
    // Assess
    expect(text).toContain('reused    the variants and analysis of 01twin (same bytes)');
  });

  it('says nothing of reuse for an image processed on its own', () => {
    // Act / Assess
    expect(formatImageRecord({ id: '01new', status: 'Completed' })).not.toContain('reused');
  });
});

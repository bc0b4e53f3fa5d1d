import { altText, fallbackVariant, srcsetOf } from '../../../web/src/lib/srcset';

const variants = [
  { name: 'large', width: 1280, height: 853, url: '/api/images/a/variants/large' },
  { name: 'thumb', width: 150, height: 100, url: '/api/images/a/variants/thumb' },
  { name: 'medium', width: 640, height: 427, url: '/api/images/a/variants/medium' },
];

describe('Function: srcsetOf', () => {
  it('lists variants narrowest first with width descriptors, against the API base', () => {
    expect(srcsetOf(variants, 'https://api.example.net/')).toBe(
      'https://api.example.net/api/images/a/variants/thumb 150w, ' +
        'https://api.example.net/api/images/a/variants/medium 640w, ' +
        'https://api.example.net/api/images/a/variants/large 1280w',
    );
  });

  it('names each width once (a small source gives medium and large the same size)', () => {
    const small = [
      { name: 'medium', width: 300, height: 200, url: '/m' },
      { name: 'large', width: 300, height: 200, url: '/l' },
    ];
    expect(srcsetOf(small)).toBe('/m 300w');
  });
});

describe('Function: fallbackVariant', () => {
  it('takes the smallest variant at least as wide, else the widest', () => {
    expect(fallbackVariant(variants, 300)?.name).toBe('medium');
    expect(fallbackVariant(variants, 4000)?.name).toBe('large');
    expect(fallbackVariant([], 300)).toBeUndefined();
  });
});

describe('Function: altText', () => {
  it('prefers the caption, then the tags, then the file name', () => {
    expect(altText({ analysis: { caption: ' a red bus ' }, source: { filename: 'x.jpg' } })).toBe(
      'a red bus',
    );
    expect(altText({ analysis: { tags: [{ name: 'bus' }, { name: 'street' }] } })).toBe(
      'Image tagged bus, street',
    );
    expect(altText({ analysis: null, source: { filename: 'x.jpg' } })).toBe('x.jpg');
    expect(altText({})).toBe('Uploaded image');
  });
});

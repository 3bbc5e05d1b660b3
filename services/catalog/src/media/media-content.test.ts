import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDataUrl, resizeSvg, sniffType, unsafeSvg } from './media-content.ts';

const svg = `<svg xmlns='http://www.w3.org/2000/svg' width='400' height='200' viewBox='0 0 400 200'><rect width='400' height='200'/></svg>`;

test('the type comes from the bytes, not from what the sender claims', () => {
  assert.equal(sniffType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0])), 'image/png');
  assert.equal(sniffType(Buffer.from([0xff, 0xd8, 0xff, 0xe0])), 'image/jpeg');
  assert.equal(sniffType(Buffer.from('RIFF\0\0\0\0WEBPVP8 ', 'latin1')), 'image/webp');
  assert.equal(sniffType(Buffer.from(`<?xml version="1.0"?>\n${svg}`)), 'image/svg+xml');
  assert.equal(sniffType(Buffer.from('<html><svg></svg></html>')), undefined);
  assert.equal(sniffType(Buffer.from('hello')), undefined);
});

test('SVGs that could run code are recognised', () => {
  assert.equal(unsafeSvg(svg), false);
  for (const bad of [
    '<svg><script>x</script></svg>',
    "<svg onload='x()'>",
    "<svg><a href='javascript:x'/></svg>",
  ])
    assert.equal(unsafeSvg(bad), true, bad);
});

test('data URLs decode, percent-encoded or base64', () => {
  const plain = parseDataUrl(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`);
  assert.equal(plain?.type, 'image/svg+xml');
  assert.equal(plain?.bytes.toString('utf8'), svg);
  const b64 = parseDataUrl(`data:image/png;base64,${Buffer.from('abc').toString('base64')}`);
  assert.deepEqual(b64, { type: 'image/png', bytes: Buffer.from('abc') });
  assert.equal(parseDataUrl('https://example.com/a.png'), undefined);
});

test('a resized SVG keeps its drawing and aspect ratio', () => {
  const small = resizeSvg(svg, 128);
  assert.match(small, /^<svg width='128' height='64' xmlns=/);
  assert.match(small, /viewBox='0 0 400 200'/);
  assert.ok(small.endsWith(`<rect width='400' height='200'/></svg>`));
  assert.match(
    resizeSvg(`<svg width="40" height="40"><g/></svg>`, 64),
    /^<svg width='64' height='64' viewBox='0 0 40 40'/,
  );
});

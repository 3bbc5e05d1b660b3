import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cacheableBody, ifNoneMatchHits } from './cacheable.ts';

test('equal JSON gets equal weak tags and different JSON different ones', () => {
  const a = cacheableBody({ id: 1, title: 'Mug' });
  assert.equal(a.body, '{"id":1,"title":"Mug"}');
  assert.match(a.etag, /^W\/"[A-Za-z0-9_-]{27}"$/);
  assert.equal(cacheableBody({ id: 1, title: 'Mug' }).etag, a.etag);
  assert.notEqual(cacheableBody({ id: 1, title: 'Cup' }).etag, a.etag);
});

test('If-None-Match hits on its tag (weak or strong form, in a list, or *) and misses otherwise', () => {
  const { etag } = cacheableBody({ v: 1 });
  const opaque = etag.slice(2);
  assert.equal(ifNoneMatchHits(etag, etag), true);
  assert.equal(ifNoneMatchHits(opaque, etag), true);
  assert.equal(ifNoneMatchHits(`"other", ${etag}`, etag), true);
  assert.equal(ifNoneMatchHits('*', etag), true);
  assert.equal(ifNoneMatchHits('"other"', etag), false);
  assert.equal(ifNoneMatchHits(undefined, etag), false);
});

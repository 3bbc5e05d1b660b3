import { jsonb, sql, type Kysely } from '@mercato/platform/db';
import { newId } from '@mercato/platform/ids';
import type { CatalogDB } from '../db.ts';
import { CatalogErrors } from '../errors.ts';
import { MEDIA_TYPES, parseDataUrl, sha256, sniffType, unsafeSvg, type MediaType } from './media-content.ts';

/** Where a stored image is served. */
export const mediaUrl = (id: string) => `/api/v1/media/${id}`;

/** An image checked for storing: its type by its bytes (the declared one must agree). */
export function checkedImage(bytes: Buffer, declared: string): { type: MediaType; bytes: Buffer } {
  const type = sniffType(bytes);
  if (!type || type !== declared.toLowerCase()) {
    throw CatalogErrors.CATALOG_MEDIA_UNSUPPORTED(
      `the bytes are ${type ?? 'no supported image'}, declared ${declared}; supported: ${MEDIA_TYPES.join(', ')}`,
    );
  }
  if (type === 'image/svg+xml' && unsafeSvg(bytes.toString('utf8'))) {
    throw CatalogErrors.CATALOG_MEDIA_UNSUPPORTED('an SVG with scripts, event handlers or foreign content');
  }
  return { type, bytes };
}

/** SQL of stored images. Write methods take the caller's transaction. */
export const mediaRepository = {
  /** Stores images once each (by content hash); answers their ids, in order. */
  async put(trx: Kysely<CatalogDB>, images: Array<{ type: MediaType; bytes: Buffer }>): Promise<string[]> {
    if (images.length === 0) return [];
    const hashes = images.map((i) => sha256(i.bytes));
    const unique = new Map(images.map((i, n) => [hashes[n]!, i]));
    await trx
      .insertInto('media')
      .values(
        [...unique].map(([hash, i]) => ({ id: newId(), sha256: hash, content_type: i.type, bytes: i.bytes })),
      )
      .onConflict((oc) => oc.column('sha256').doNothing())
      .execute();
    const rows = await trx
      .selectFrom('media')
      .select(['id', 'sha256'])
      .where('sha256', 'in', [...unique.keys()])
      .execute();
    const ids = new Map(rows.map((r) => [r.sha256, r.id]));
    return hashes.map((h) => ids.get(h)!);
  },

  async get(db: Kysely<CatalogDB>, id: string) {
    return db
      .selectFrom('media')
      .select(['id', 'sha256', 'content_type', 'bytes'])
      .where('id', '=', id)
      .executeTakeFirst();
  },

  async setImages(trx: Kysely<CatalogDB>, productId: string, images: Array<{ url: string; alt: string }>) {
    await trx
      .updateTable('products')
      .set({ images: jsonb(images) })
      .where('id', '=', productId)
      .execute();
  },

  /** Products whose images still embed data URLs (written before media existed). */
  async embedded(db: Kysely<CatalogDB>, limit: number) {
    return db
      .selectFrom('products')
      .select(['id', 'images'])
      .where(sql<boolean>`images::text like '%"data:%'`)
      .limit(limit)
      .execute();
  },
};

/**
 * Images as products keep them: every `data:` URL stored as media (checked, once per content)
 * and replaced by its media URL; other URLs kept as they are.
 */
export async function storeImages(
  trx: Kysely<CatalogDB>,
  images: Array<{ url: string; alt: string }>,
): Promise<Array<{ url: string; alt: string }>> {
  const embedded = images.flatMap((img, i) => {
    const data = parseDataUrl(img.url);
    return data ? [{ i, image: checkedImage(data.bytes, data.type) }] : [];
  });
  if (embedded.length === 0) return images;
  const ids = await mediaRepository.put(
    trx,
    embedded.map((e) => e.image),
  );
  const out = [...images];
  embedded.forEach((e, n) => (out[e.i] = { url: mediaUrl(ids[n]!), alt: images[e.i]!.alt }));
  return out;
}

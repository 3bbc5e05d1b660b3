import { type ServiceContext } from '@mercato/platform/service';
import type { CatalogDB } from '../db.ts';
import { CatalogErrors } from '../errors.ts';
import { resizeSvg } from './media-content.ts';
import { checkedImage, mediaRepository as repo, mediaUrl, storeImages } from './media-repository.ts';

/** A stored image as served: its bytes (resized when asked and possible), type and tag. */
export interface MediaFile {
  contentType: string;
  bytes: Buffer;
  etag: string;
}

/** Use cases of stored images: upload, serve (resized SVG variants), and moving embedded images out of products. */
export function createMediaService(ctx: ServiceContext<CatalogDB>) {
  const { database } = ctx;
  const db = database.db;
  return {
    async upload(bytes: Buffer, declaredType: string) {
      const image = checkedImage(bytes, declaredType);
      const [id] = await database.transaction((trx) => repo.put(trx, [image]));
      return { id: id!, url: mediaUrl(id!), contentType: image.type, size: bytes.length };
    },

    /** An image, `width` pixels wide when asked (SVG: redrawn at that size; other types: as stored). */
    async get(id: string, width?: number): Promise<MediaFile> {
      const row = await repo.get(db, id);
      if (!row) throw CatalogErrors.CATALOG_MEDIA_NOT_FOUND(`no image ${id}`);
      const resizable = width !== undefined && row.content_type === 'image/svg+xml';
      // PGlite reads bytea as a plain Uint8Array, node-postgres as a Buffer
      const stored = Buffer.from(row.bytes);
      return {
        contentType: row.content_type,
        bytes: resizable ? Buffer.from(resizeSvg(stored.toString('utf8'), width)) : stored,
        etag: `"${row.sha256.slice(0, 32)}${resizable ? `-w${width}` : ''}"`,
      };
    },

    /**
     * Moves images still embedded as data URLs (products written before media existed) into
     * media, 100 products per transaction. Answers how many products changed.
     */
    async moveEmbedded(): Promise<number> {
      let moved = 0;
      for (;;) {
        const n = await database.transaction(async (trx) => {
          const rows = await repo.embedded(trx, 100);
          for (const row of rows) {
            const images = await storeImages(trx, row.images as Array<{ url: string; alt: string }>);
            await repo.setImages(trx, row.id, images);
          }
          return rows.length;
        });
        moved += n;
        if (n < 100) return moved;
      }
    },
  };
}
export type MediaService = ReturnType<typeof createMediaService>;

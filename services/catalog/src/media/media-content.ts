import { createHash } from 'node:crypto';

// What an image is (by its bytes, not its claimed type), data URLs, and resized SVG variants.

/** The image types the media route stores and serves. */
export const MEDIA_TYPES = ['image/svg+xml', 'image/png', 'image/jpeg', 'image/webp', 'image/gif'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

/** The widths a resized variant may be asked for (a fixed set: caches hold few variants). */
export const MEDIA_WIDTHS = [64, 128, 256, 512, 1024] as const;

/** The type an image's bytes show (magic numbers; SVG by its root element), if one of MEDIA_TYPES. */
export function sniffType(bytes: Buffer): MediaType | undefined {
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (
    bytes.subarray(0, 4).toString('latin1') === 'RIFF' &&
    bytes.subarray(8, 12).toString('latin1') === 'WEBP'
  )
    return 'image/webp';
  if (/^GIF8[79]a/.test(bytes.subarray(0, 6).toString('latin1'))) return 'image/gif';
  const head = bytes
    .subarray(0, 1024)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (/^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<svg[\s>]/i.test(head)) return 'image/svg+xml';
  return undefined;
}

/** Whether an SVG could run code where it is shown inline: scripts, event handlers, javascript: links, foreign HTML. */
export function unsafeSvg(text: string): boolean {
  return /<script|<foreignObject|\son[a-z]+\s*=|javascript:/i.test(text);
}

/** A `data:` URL's bytes and declared type; undefined when it is not one. */
export function parseDataUrl(url: string): { type: string; bytes: Buffer } | undefined {
  const m = /^data:([^;,]*)((?:;[^;,]*)*),(.*)$/s.exec(url);
  if (!m) return undefined;
  const base64 = /;base64/i.test(m[2] ?? '');
  const data = m[3] ?? '';
  const bytes = base64 ? Buffer.from(data, 'base64') : Buffer.from(decodeURIComponent(data), 'utf8');
  return { type: (m[1] || 'text/plain').toLowerCase(), bytes };
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * An SVG drawn `width` pixels wide: the root element's width and height set (the height in
 * proportion, from the viewBox or the old size), the drawing itself unchanged.
 */
export function resizeSvg(text: string, width: number): string {
  return text.replace(/<svg\b[^>]*>/i, (tag) => {
    const attr = (name: string) => new RegExp(`\\s${name}\\s*=\\s*(['"])([^'"]*)\\1`, 'i').exec(tag)?.[2];
    const box = attr('viewBox')
      ?.split(/[\s,]+/)
      .map(Number);
    const [w0, h0] =
      box && box.length === 4
        ? [box[2]!, box[3]!]
        : [parseFloat(attr('width') ?? ''), parseFloat(attr('height') ?? '')];
    const height = w0 > 0 && h0 > 0 ? Math.round((width * h0) / w0) : width;
    let out = tag.replace(/\s(width|height)\s*=\s*(['"])[^'"]*\2/gi, '');
    if (!attr('viewBox') && w0 > 0 && h0 > 0) out = out.replace(/^<svg/i, `<svg viewBox='0 0 ${w0} ${h0}'`);
    return out.replace(/^<svg/i, `<svg width='${width}' height='${height}'`);
  });
}

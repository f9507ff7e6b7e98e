// Pictures a page shows are files under static/notebook-assets/, named by the sha256 of their bytes
// (16 hex digits): the same picture is stored once, and a changed picture gets a new URL.
import { createHash } from 'node:crypto';

export interface Asset {
  /** File name inside the asset folder, e.g. 0123456789abcdef.png. */
  file: string;
  data: Buffer;
}

/** `<sha256 prefix>.<ext>` of the bytes. */
export const hashName = (data: Buffer, ext: string): string => `${createHash('sha256').update(data).digest('hex').slice(0, 16)}.${ext}`;

/** Raster picture types a notebook output or attachment may hold, with their file extensions. */
export const RASTER_TYPES: readonly (readonly [mime: string, ext: string])[] = [
  ['image/png', 'png'],
  ['image/jpeg', 'jpg'],
  ['image/gif', 'gif'],
  ['image/webp', 'webp'],
];

/** The pictures one page refers to, collected while it renders. */
export class AssetStore {
  private readonly files = new Map<string, Buffer>();

  /** Stores the bytes; returns the file name. */
  add(data: Buffer, ext: string): string {
    const file = hashName(data, ext);
    this.files.set(file, data);
    return file;
  }

  /** Stores a base64 raster picture (whitespace ignored, as nbformat allows line breaks in it). */
  addBase64(base64: string, ext: string): string {
    return this.add(Buffer.from(base64.replace(/\s/g, ''), 'base64'), ext);
  }

  /** A data:image/…;base64 URL of a raster type as a file name, or undefined for any other URL. */
  addDataUrl(url: string): string | undefined {
    const m = /^data:(image\/[a-z]+);base64,([a-z0-9+/=\s]*)$/i.exec(url.trim());
    const ext = m && RASTER_TYPES.find(([mime]) => mime === m[1].toLowerCase())?.[1];
    return ext ? this.addBase64(m[2], ext) : undefined;
  }

  list(): Asset[] {
    return [...this.files].map(([file, data]) => ({ file, data }));
  }
}

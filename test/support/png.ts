import { inflateSync } from "node:zlib";

export interface DecodedPng {
  width: number;
  height: number;
  /** RGBA, 4 bytes a pixel, row by row. */
  rgba: Uint8Array;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CHANNELS: Record<number, number> = { 2: 3, 6: 4 };

/**
 * Decodes the 8-bit RGB/RGBA, non-interlaced PNGs a browser writes for a screenshot, checking the
 * signature and every chunk's CRC on the way, so "the screenshot is a valid PNG" is decided by this
 * code, not by the browser that wrote it.
 */
export function decodePng(file: Buffer): DecodedPng {
  if (!file.subarray(0, 8).equals(SIGNATURE)) throw new Error("not a PNG: bad signature");
  let offset = 8;
  let header: { width: number; height: number; channels: number } | undefined;
  const data: Buffer[] = [];
  while (offset < file.length) {
    const length = file.readUInt32BE(offset);
    const type = file.toString("latin1", offset + 4, offset + 8);
    const body = file.subarray(offset + 8, offset + 8 + length);
    if (crc32(file.subarray(offset + 4, offset + 8 + length)) !== file.readUInt32BE(offset + 8 + length))
      throw new Error(`PNG chunk ${type} has a bad CRC`);
    if (type === "IHDR") header = readHeader(body);
    if (type === "IDAT") data.push(body);
    if (type === "IEND") break;
    offset += 12 + length;
  }
  if (!header) throw new Error("PNG has no IHDR chunk");
  const { width, height, channels } = header;
  const raw = inflateSync(Buffer.concat(data));
  const stride = width * channels;
  if (raw.length !== height * (stride + 1)) throw new Error("PNG image data has the wrong length");
  const pixels = unfilter(raw, height, stride, channels);
  const rgba = new Uint8Array(width * height * 4);
  for (let pixel = 0; pixel < width * height; pixel += 1) {
    for (let channel = 0; channel < 4; channel += 1)
      rgba[pixel * 4 + channel] = channel < channels ? (pixels[pixel * channels + channel] ?? 0) : 255;
  }
  return { width, height, rgba };
}

function readHeader(body: Buffer): { width: number; height: number; channels: number } {
  const [bitDepth, colourType, , , interlace] = body.subarray(8, 13);
  const channels = CHANNELS[colourType ?? -1];
  if (bitDepth !== 8 || channels === undefined || interlace !== 0)
    throw new Error(
      `unsupported PNG: bit depth ${bitDepth}, colour type ${colourType}, interlace ${interlace}`,
    );
  return { width: body.readUInt32BE(0), height: body.readUInt32BE(4), channels };
}

/** Undoes the per-row filters (None, Sub, Up, Average, Paeth) of the PNG specification. */
function unfilter(raw: Buffer, height: number, stride: number, bpp: number): Uint8Array {
  const out = new Uint8Array(height * stride);
  for (let row = 0; row < height; row += 1) {
    const filter = raw[row * (stride + 1)];
    const line = raw.subarray(row * (stride + 1) + 1, (row + 1) * (stride + 1));
    for (let i = 0; i < stride; i += 1) {
      const left = i >= bpp ? (out[row * stride + i - bpp] ?? 0) : 0;
      const up = row > 0 ? (out[(row - 1) * stride + i] ?? 0) : 0;
      const upLeft = row > 0 && i >= bpp ? (out[(row - 1) * stride + i - bpp] ?? 0) : 0;
      const predictor =
        filter === 0
          ? 0
          : filter === 1
            ? left
            : filter === 2
              ? up
              : filter === 3
                ? (left + up) >> 1
                : filter === 4
                  ? paeth(left, up, upLeft)
                  : Number.NaN;
      if (Number.isNaN(predictor)) throw new Error(`PNG row ${row} has unknown filter ${filter}`);
      out[row * stride + i] = ((line[i] ?? 0) + predictor) & 0xff;
    }
  }
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** How many pixels are within `tolerance` of a colour given as #rrggbb. */
export function countPixelsNear(png: DecodedPng, hex: string, tolerance = 12): number {
  const target = [1, 3, 5].map((index) => Number.parseInt(hex.slice(index, index + 2), 16));
  let count = 0;
  for (let i = 0; i < png.rgba.length; i += 4) {
    if (target.every((value, channel) => Math.abs((png.rgba[i + channel] ?? 0) - value) <= tolerance))
      count += 1;
  }
  return count;
}

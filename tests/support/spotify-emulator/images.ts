// Spotify's image CDN (https://i.scdn.co/image/<id>): a small PNG generated from each id it
// issued, so every artist and album has its own picture and the same id always gives the same bytes.
// An id's first 16 hex digits name the size (see sample-data.ts): every size of one picture
// shows the same colours, as on Spotify.
import { crc32, deflateSync } from 'node:zlib';
import type { ModelResponse } from './types';
import { hash } from './util';

const SIZE = 64;
const IMAGE_PATH = /^\/image\/([0-9a-f]{16,64})$/;
const cache = new Map<string, Buffer>();

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function colour(seed: number): [number, number, number] {
  return [40 + (seed & 0x9f), 40 + ((seed >>> 8) & 0x9f), 40 + ((seed >>> 16) & 0x9f)];
}

/** A 64×64 RGB PNG: a diagonal gradient between two colours of the id, with a lighter disc. */
export function imagePng(id: string): Buffer {
  const known = cache.get(id);
  if (known) return known;
  const picture = id.length > 16 ? id.slice(16) : id;
  const [from, to] = [colour(hash(`a:${picture}`)), colour(hash(`b:${picture}`))];
  const raw = Buffer.alloc((SIZE * 3 + 1) * SIZE);
  for (let y = 0; y < SIZE; y++) {
    const row = y * (SIZE * 3 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < SIZE; x++) {
      const t = (x + y) / (2 * SIZE - 2);
      const disc = (x - 32) ** 2 + (y - 32) ** 2 < 14 ** 2 ? 60 : 0;
      for (let c = 0; c < 3; c++) raw[row + 1 + x * 3 + c] = Math.min(255, Math.round(from[c]! * (1 - t) + to[c]! * t) + disc);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIZE, 0);
  header.writeUInt32BE(SIZE, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
  cache.set(id, png);
  return png;
}

/**
 * GET /image/<id> on i.scdn.co: a picture for an id the emulator issued (`issued`); anything else
 * there is a 404, as on the real CDN, so a guessed id can be missing.
 */
export function imageResponse(method: string, path: string, issued: (id: string) => boolean): ModelResponse {
  const id = IMAGE_PATH.exec(path)?.[1];
  if (!id || !issued(id) || (method !== 'GET' && method !== 'HEAD')) {
    return { status: 404, body: 'Not Found', headers: { 'content-type': 'text/plain; charset=utf-8' } };
  }
  return { status: 200, body: imagePng(id), headers: { 'content-type': 'image/png', 'cache-control': 'public, max-age=31536000' } };
}

/**
 * ADD's http(s) sources as Buildah 1.28's getURL fetches them: the file is named after the
 * URL's last path component, gets mode 0600 and the Last-Modified time (the epoch without
 * one), and is never extracted, whatever it holds.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';
import { InvalidArgumentError } from '../define/errors.ts';

export function isUrlSource(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

/** The name the download gets in a destination directory. */
export function urlFileName(source: string): string {
  const name = path.posix.basename(decodeURIComponent(new URL(source).pathname));
  if (name === '' || name === '/' || name === '.' || name === '..') throw new InvalidArgumentError(`while getting content for ${JSON.stringify(source)}: the URL names no file: give it in the destination`);
  return name;
}

/** Downloads `source` into `dir` under its file name and returns the file's path. */
export async function downloadUrl(source: string, dir: string): Promise<string> {
  const fail = (why: string, cause?: unknown): never => {
    throw new InvalidArgumentError(`while getting content for ${JSON.stringify(source)}: ${why}`, { cause });
  };
  const file = path.join(dir, urlFileName(source));
  let res: Response;
  try {
    res = await fetch(source, { redirect: 'follow' });
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause;
    return fail(cause?.message ?? (err as Error).message, err);
  }
  if (res.status < 200 || res.status >= 400 || !res.body) {
    await res.body?.cancel();
    return fail(`invalid response status ${res.status}`);
  }
  let mtime = new Date(0);
  const lastModified = res.headers.get('last-modified');
  if (lastModified) {
    mtime = new Date(lastModified);
    if (Number.isNaN(mtime.getTime())) {
      await res.body.cancel();
      return fail(`parsing last-modified time ${JSON.stringify(lastModified)}`);
    }
  }
  try {
    await pipeline(Readable.fromWeb(res.body as ReadableStream<Uint8Array>), fs.createWriteStream(file, { mode: 0o600 }));
  } catch (err) {
    return fail((err as Error).message, err);
  }
  fs.chmodSync(file, 0o600);
  fs.utimesSync(file, mtime, mtime);
  return file;
}

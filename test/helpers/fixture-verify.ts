/**
 * Checks that the fixture image's layers hold what fixture-build.ts meant them to, so a
 * change in umoci's tar writer shows up as a fixture error rather than as puzzling failures
 * in the tests that use the image.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { imageConfig, imageFiles } from './fixture-contents.ts';

export interface LayerEntry {
  name: string;
  type: string;
  linkname: string;
  mode: number;
  uid: number;
  gid: number;
  devmajor: number;
  devminor: number;
  xattrs: Record<string, string>;
}

interface Descriptor { digest: string; mediaType: string }

/** The layer blobs of `ref` in an OCI layout, bottom first. */
export async function layoutLayers(layout: string, ref: string): Promise<Descriptor[]> {
  const blob = (d: Descriptor) => join(layout, 'blobs', ...d.digest.split(':'));
  const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as {
    manifests: (Descriptor & { annotations?: Record<string, string> })[];
  };
  const desc = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === ref);
  if (!desc) throw new Error(`no ${ref} in ${layout}/index.json`);
  const manifest = JSON.parse(await readFile(blob(desc), 'utf8')) as { layers: Descriptor[] };
  return manifest.layers;
}

/** Every entry of a (gzip-compressed or plain) layer tar; fixture layers are small enough to read whole. */
export async function layerEntries(path: string, gzip: boolean): Promise<LayerEntry[]> {
  const data = await readFile(path);
  const extract = tar.extract();
  extract.end(gzip ? gunzipSync(data) : data);
  const entries: LayerEntry[] = [];
  for await (const entry of extract) {
    const h = entry.header;
    const xattrs: Record<string, string> = {};
    for (const [k, v] of Object.entries((h.pax ?? {}) as Record<string, string>)) {
      if (k.startsWith('SCHILY.xattr.')) xattrs[k.slice('SCHILY.xattr.'.length)] = v;
    }
    entries.push({
      name: h.name.replace(/^\.\//, '').replace(/\/$/, ''),
      type: h.type ?? 'file',
      linkname: h.linkname ?? '',
      mode: h.mode ?? 0,
      uid: h.uid ?? 0,
      gid: h.gid ?? 0,
      devmajor: h.devmajor ?? 0,
      devminor: h.devminor ?? 0,
      xattrs,
    });
    entry.resume();
  }
  return entries;
}

function expectEntry(entries: LayerEntry[], layer: number, name: string, what: string, ok: (e: LayerEntry) => boolean): void {
  const e = entries.find((x) => x.name === name);
  if (!e || !ok(e)) {
    throw new Error(`fixture layer ${layer} should hold ${name} (${what}) but has ${e ? JSON.stringify(e) : 'no such entry'}; ` +
      `entries: ${entries.map((x) => `${x.type}:${x.name}`).join(', ')}`);
  }
}

/** Throws unless `ref` in `layout` has the layers fixture-build.ts describes. */
export async function verifyLayers(layout: string, ref: string): Promise<void> {
  const layers = await layoutLayers(layout, ref);
  if (layers.length !== imageConfig.layers) throw new Error(`fixture image has ${layers.length} layers, expected ${imageConfig.layers}`);
  const read = (i: number) => layerEntries(join(layout, 'blobs', ...layers[i]!.digest.split(':')), layers[i]!.mediaType.endsWith('gzip'));
  const p = (path: string) => path.slice(1);

  const base = await read(0);
  expectEntry(base, 1, 'bin/busybox', 'the busybox binary', (e) => e.type === 'file' && (e.mode & 0o111) !== 0);
  expectEntry(base, 1, 'bin/sh', 'an applet symlink', (e) => e.type === 'symlink' && e.linkname === 'busybox');
  expectEntry(base, 1, 'tmp', 'a sticky dir', (e) => e.type === 'directory' && (e.mode & 0o1777) === 0o1777);
  expectEntry(base, 1, 'home/app', "app's home", (e) => e.uid === 1000 && e.gid === 1000);

  const special = await read(1);
  const [fileEntry, hardEntry] = [p(imageFiles.file), p(imageFiles.hardlink)];
  const linked = special.some((e) => e.type === 'link' &&
    ((e.name === hardEntry && e.linkname === fileEntry) || (e.name === fileEntry && e.linkname === hardEntry)));
  if (!linked) throw new Error(`fixture layer 2 has no hard link between ${fileEntry} and ${hardEntry}`);
  expectEntry(special, 2, p(imageFiles.symlink), 'a relative symlink', (e) => e.type === 'symlink' && e.linkname === 'file.txt');
  expectEntry(special, 2, p(imageFiles.absSymlink), 'an absolute symlink', (e) => e.type === 'symlink' && e.linkname === '/etc/passwd');
  expectEntry(special, 2, p(imageFiles.charDevice), 'char device 1:3', (e) => e.type === 'character-device' && e.devmajor === 1 && e.devminor === 3);
  expectEntry(special, 2, p(imageFiles.xattrFile), 'xattr user.skiff=yes', (e) => e.xattrs['user.skiff'] === 'yes');
  expectEntry(special, 2, p(imageFiles.setuidFile), 'mode 04755', (e) => (e.mode & 0o7777) === 0o4755);
  expectEntry(special, 2, p(imageFiles.appOwned), 'owner 1000:1000, mode 0640', (e) => e.uid === 1000 && e.gid === 1000 && (e.mode & 0o777) === 0o640);
  expectEntry(special, 2, p(imageFiles.longName), 'a long name', (e) => e.type === 'file');

  const whiteouts = await read(2);
  expectEntry(whiteouts, 3, 'data/.wh.deleted', 'a whiteout', (e) => e.type === 'file');
  expectEntry(whiteouts, 3, `${p(imageFiles.replacedDir)}/.wh.a`, "umoci's per-file whiteout", (e) => e.type === 'file');
  expectEntry(whiteouts, 3, `${p(imageFiles.replacedDir)}/new`, 'the replacement file', (e) => e.type === 'file');

  const opaque = await read(3);
  expectEntry(opaque, 4, `${p(imageFiles.opaqueDir)}/.wh..wh..opq`, 'an opaque-directory marker', (e) => e.type === 'file');
  expectEntry(opaque, 4, `${p(imageFiles.opaqueDir)}/fresh`, 'the new content', (e) => e.type === 'file');
}

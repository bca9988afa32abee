/**
 * docker-archive output, member for member as Podman 4.3 (containers/image's tarfile.Writer)
 * writes it: `<diffID hex>.tar` layers, `<config hex>.json`, per-layer legacy directories
 * (`<id>/layer.tar` symlink, VERSION, json) for old `docker load`, then manifest.json and
 * repositories. Same input, same bytes as `podman save`.
 */
import type { Writable } from 'node:stream';
import { CorruptContentError, InvalidArgumentError } from '../../define/errors.ts';
import { digestHex, sha256Digest } from '../image/digest.ts';
import { goMarshal, rawObjectMembers, RawJson, sortedKeys, type GoJsonValue } from '../image/go-json.ts';
import { parseJson } from '../image/manifest.ts';
import { parseNormalizedNamed, referenceName, tagNameOnly } from '../image/reference.ts';
import { LayerSpool } from './layer-blob.ts';
import { TarWriter } from './tar-writer.ts';
import type { ArchiveImage, WriteOptions } from './types.ts';

interface ManifestItem {
  Config: string;
  RepoTags: string[];
  Layers: string[];
}

interface RepoTag {
  name: string;
  tag: string;
}

/** The attributes of the image config copied into the top legacy layer's json. */
const legacyConfigAttributes = ['architecture', 'config', 'container', 'container_config', 'created', 'docker_version', 'os'];

function repoTag(name: string): RepoTag {
  const ref = tagNameOnly(parseNormalizedNamed(name));
  if (ref.digest !== undefined) throw new InvalidArgumentError(`docker-archive cannot record digest references: ${name}`);
  return { name: referenceName(ref), tag: ref.tag! };
}

class DockerArchiveWriter {
  readonly #tar: TarWriter;
  readonly #spool: LayerSpool;
  readonly #blobs = new Set<string>();
  readonly #legacyLayers = new Set<string>();
  readonly #items: ManifestItem[] = [];
  readonly #itemByConfig = new Map<string, ManifestItem>();
  readonly #repositories = new Map<string, Map<string, string>>();

  constructor(out: Writable, tmpDir: string | undefined) {
    this.#tar = new TarWriter(out);
    this.#spool = new LayerSpool(false, tmpDir);
  }

  async addImage(image: ArchiveImage): Promise<void> {
    const tags = image.names.map(repoTag);
    const layerPaths: string[] = [];
    for (const layer of image.layers) {
      const blob = await this.#spool.blob(layer);
      const path = `${digestHex(layer.diffId, 'layer diffID')}.tar`;
      if (!this.#blobs.has(path)) {
        await this.#tar.file(path, blob.size, await blob.open());
        this.#blobs.add(path);
      }
      layerPaths.push(path);
    }
    const configPath = `${digestHex(sha256Digest(image.configBytes))}.json`;
    if (!this.#blobs.has(configPath)) {
      await this.#tar.file(configPath, image.configBytes.length, image.configBytes);
      this.#blobs.add(configPath);
    }
    const topLayerId = await this.#writeLegacyLayers(image, layerPaths);
    if (topLayerId !== undefined) {
      for (const { name, tag } of tags) {
        const tagsOfName = this.#repositories.get(name) ?? new Map<string, string>();
        tagsOfName.set(tag, topLayerId);
        this.#repositories.set(name, tagsOfName);
      }
    }
    this.#addManifestItem(configPath, layerPaths, tags);
  }

  /** Writes the legacy per-layer directories; returns the top layer's ID. */
  async #writeLegacyLayers(image: ArchiveImage, layerPaths: string[]): Promise<string | undefined> {
    const configText = image.configBytes.toString('utf8');
    const parsed = parseJson(configText, 'image config');
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new CorruptContentError('image config is not a JSON object');
    }
    const members = rawObjectMembers(configText);
    let chainId = '';
    let lastLayerId: string | undefined;
    for (const [i, layer] of image.layers.entries()) {
      const layerConfig: Record<string, GoJsonValue> = {};
      if (lastLayerId !== undefined) layerConfig.parent = lastLayerId;
      if (i === image.layers.length - 1) {
        for (const attr of legacyConfigAttributes) {
          const raw = members.get(attr);
          layerConfig[attr] = raw === undefined ? null : new RawJson(raw);
        }
      }
      chainId = chainId === '' ? layer.diffId : sha256Digest(`${chainId} ${layer.diffId}`);
      // containers/image derives the ID from the json with the chain ID in it, so that a
      // layer repeated in one image cannot make "parent" links loop.
      const layerId = digestHex(sha256Digest(goMarshal(sortedKeys({ ...layerConfig, layer_id: chainId }))));
      const json = Buffer.from(goMarshal(sortedKeys({ ...layerConfig, id: layerId })));
      if (!this.#legacyLayers.has(layerId)) {
        await this.#tar.symlink(`${layerId}/layer.tar`, `../${layerPaths[i]}`);
        await this.#tar.file(`${layerId}/VERSION`, 3, Buffer.from('1.0'));
        await this.#tar.file(`${layerId}/json`, json.length, json);
        this.#legacyLayers.add(layerId);
      }
      lastLayerId = layerId;
    }
    return lastLayerId;
  }

  #addManifestItem(configPath: string, layerPaths: string[], tags: RepoTag[]): void {
    let item = this.#itemByConfig.get(configPath);
    if (!item) {
      item = { Config: configPath, RepoTags: [], Layers: layerPaths };
      this.#itemByConfig.set(configPath, item);
      this.#items.push(item);
    } else if (item.Layers.join('\n') !== layerPaths.join('\n')) {
      throw new InvalidArgumentError(`two images with config ${configPath} have different layers`);
    }
    for (const { name, tag } of tags) {
      const refString = `${name}:${tag}`;
      if (!item.RepoTags.includes(refString)) item.RepoTags.push(refString);
    }
  }

  async finish(): Promise<void> {
    const manifest = Buffer.from(goMarshal(this.#items.map((i) => ({ Config: i.Config, RepoTags: i.RepoTags, Layers: i.Layers }))));
    await this.#tar.file('manifest.json', manifest.length, manifest);
    const repositories: Record<string, Record<string, string>> = {};
    for (const [name, tags] of this.#repositories) repositories[name] = sortedKeys(Object.fromEntries(tags));
    const repositoriesJson = Buffer.from(goMarshal(sortedKeys(repositories)));
    await this.#tar.file('repositories', repositoriesJson.length, repositoriesJson);
    await this.#tar.finish();
  }

  close(): Promise<void> {
    return this.#spool.close();
  }
}

/**
 * Writes `images` as one docker-archive to `out` and ends it. Images sharing a config become
 * one manifest.json entry with all their tags (`podman save -m`); shared layers are stored
 * once. Names are normalised (busybox → docker.io/library/busybox:latest).
 */
export async function writeDockerArchive(out: Writable, images: ArchiveImage[], options: WriteOptions = {}): Promise<void> {
  const writer = new DockerArchiveWriter(out, options.tmpDir);
  try {
    for (const image of images) await writer.addImage(image);
    await writer.finish();
  } finally {
    await writer.close();
  }
}

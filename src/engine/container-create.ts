/**
 * `create`: resolve the image, build and check the config (the OCI spec is generated once
 * here so bad flags fail now, not at start), lay out the container's directories in a
 * staging directory, then rename them into place and insert the row in one transaction.
 * A create that fails or is killed leaves no row, and at most a staging directory or an
 * orphan directory that the next sweep removes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, NameInUseError } from '../define/errors.ts';
import type { ImagePullOptions, PullPolicy } from './image-pull.ts';
import { parseSecretFlag } from '../domain/secrets/secret.ts';
import { buildContainerConfig } from '../domain/containers/build-config.ts';
import type { ContainerRecord } from '../domain/containers/container-repo.ts';
import { containerSpecInput } from '../domain/containers/container-spec.ts';
import type { ContainerCreateOptions } from '../domain/containers/create-options.ts';
import { initialState, type ContainerConfig } from '../domain/containers/model.ts';
import { freeContainerName } from '../domain/containers/random-name.ts';
import { nowRfc3339 } from '../domain/containers/timestamps.ts';
import { defaultUserns } from '../domain/containers/userns-options.ts';
import { hostDevices, resolveDevice, type DeviceInput } from '../domain/containers/spec/devices.ts';
import { formatSpec, generateSpec } from '../domain/containers/spec/generate-spec.ts';
import { readHostInfo } from '../domain/containers/spec/host-info.ts';
import { parseImageConfig } from '../domain/images/image-config.ts';
import { lookupCandidates, matchesShortName } from '../domain/images/names.ts';
import { isRootless } from '../infra/config/paths.ts';
import { findRuntime } from '../infra/oci/runtime.ts';
import { randomId } from '../infra/storage/ids.ts';
import { processAlive } from '../infra/sys/process.ts';
import type { ImageRecord } from '../infra/storage/records.ts';
import type { ContainerEngine } from './container-engine.ts';
import { resolveContainerNetworks } from './container-network.ts';
import { sweepContainers } from './container-sweep.ts';
import { adjustForRootless, asksForUserNamespace, setupUserNamespace } from './rootless-spec.ts';

const pullPolicies = ['missing', 'never', 'always', 'newer'];

/** Podman's ImageName: the stored name the input matched, else the first name, else the ID. */
function imageNameFor(input: string, img: ImageRecord): string {
  try {
    const candidates = new Set(lookupCandidates(input));
    const match = img.names.find((n) => candidates.has(n)) ?? img.names.find((n) => matchesShortName(n, input));
    if (match) return match;
  } catch {
    // an ID or digest, not a name
  }
  return img.names[0] ?? img.id;
}

/** A container a `run` created and was killed before starting: it holds a name but will never run. */
function abandoned(rec: ContainerRecord | undefined): boolean {
  const s = rec?.state;
  return !!s && !!s.runnerPid && (s.status === 'configured' || s.status === 'created') && s.startedAt.startsWith('0001') && !processAlive(s.runnerPid);
}

/** The devices a container gets: every host device when privileged, else the `--device`s. */
export function containerDevices(config: Pick<ContainerConfig, 'privileged' | 'devices'>): DeviceInput[] {
  const devices = config.privileged ? hostDevices() : [];
  for (const spec of config.devices) devices.push(...resolveDevice(spec));
  return devices;
}

/** The runtime a new container gets: --runtime, else containers.conf, else crun when it works here, else runc. */
function chooseRuntime(ce: ContainerEngine, configured: string, runtimes: Record<string, string[]>): string {
  const wanted = ce.engine.options.runtime || configured;
  const runtime = findRuntime(wanted || undefined, runtimes);
  return wanted || runtime.name;
}

export async function createContainer(ce: ContainerEngine, opts: ContainerCreateOptions, pull: ImagePullOptions = {}): Promise<string> {
  const store = ce.engine.store;
  const conf = await ce.conf();
  const userns = defaultUserns(opts, conf.containers.userns);
  if (userns !== opts.userns) opts = { ...opts, userns };
  if (opts.pull !== undefined && !pullPolicies.includes(opts.pull)) throw new InvalidArgumentError(`unsupported pull policy ${JSON.stringify(opts.pull)}`);
  const img = await ce.engine.images.ensureImage(opts.image, (opts.pull ?? 'missing') as PullPolicy, pull);
  if (opts.cidFile && fs.existsSync(opts.cidFile)) {
    throw new InvalidArgumentError(`container id file exists. Ensure another container is not using it or delete ${opts.cidFile}`);
  }
  sweepContainers(ce);
  if (opts.name) {
    const holder = ce.repo.nameTaken(opts.name);
    if (holder && (opts.replace || abandoned(ce.byId(holder)))) await ce.remove([holder], { force: true, ignore: true, timeout: 0 });
  }
  if (opts.name && ce.repo.nameTaken(opts.name)) {
    const holder = ce.repo.nameTaken(opts.name)!;
    throw new NameInUseError(`creating container storage: the container name "${opts.name}" is already in use by ${holder}. You have to remove that container to be able to reuse that name: that name is already in use`);
  }
  const id = randomId();
  const runtime = chooseRuntime(ce, conf.engine.runtime, conf.engine.runtimes);
  const imageConfig = parseImageConfig(img.config).config ?? {};
  const name = opts.name ?? freeContainerName((n) => ce.repo.nameTaken(n) !== undefined);
  const config = buildContainerConfig({
    id,
    name,
    options: opts,
    image: { id: img.id, name: imageNameFor(opts.image, img), digest: img.digest, config: imageConfig },
    conf,
    runtime,
    cgroupManager: ce.engine.options.cgroupManager || conf.engine.cgroupManager,
    engineArgs: ce.engineArgs(runtime),
    defaultLogPath: path.join(ce.userdataDir(id), 'ctr.log'),
    created: nowRfc3339(),
    rootless: isRootless(),
  });
  if (opts.secrets?.length) config.secrets = opts.secrets.map((s) => ({ ...parseSecretFlag(s), ID: ce.engine.secrets.lookup(parseSecretFlag(s).Name).id }));
  if (asksForUserNamespace(opts)) await setupUserNamespace(ce, config, opts, img);
  await resolveContainerNetworks(ce, config);
  for (const m of config.mounts) if (m.type === 'volume' && !m.name) config.anonymousVolumes.push((m.name = randomId()));
  await storeContainer(ce, config, { explicitPidsLimit: opts.pidsLimit !== undefined });
  if (opts.cidFile) fs.writeFileSync(opts.cidFile, id);
  await ce.engine.events.container(config, 'create');
  return id;
}

/**
 * Checks a new container's config by generating its spec (so bad flags fail now, not at
 * start), lays out its directories in a staging directory, then renames them into place and
 * inserts the row in one transaction. `create` and `container clone` end here.
 */
export async function storeContainer(ce: ContainerEngine, config: ContainerConfig, opts: { explicitPidsLimit: boolean }): Promise<void> {
  const store = ce.engine.store;
  const conf = await ce.conf();
  const id = config.id;
  // The spec as far as it is known before the rootfs is mounted: every flag is checked here.
  const { input, warnings } = await adjustForRootless(
    containerSpecInput({
      config,
      rootfs: ce.mountPoint(id),
      user: { uid: 0, gid: 0, additionalGids: [], home: undefined, keepGroups: false },
      runFiles: {},
      conf,
      host: readHostInfo(),
      volumePaths: new Map(),
      devices: containerDevices(config),
    }),
    { explicitPidsLimit: opts.explicitPidsLimit, userns: config.namespaces.user, user: config.user, idMappings: config.idMappings },
  );
  for (const w of warnings) ce.engine.options.warn?.(w);
  const spec = generateSpec(input);
  fs.mkdirSync(store.paths.staging, { recursive: true, mode: 0o700 });
  const stage = fs.mkdtempSync(path.join(store.paths.staging, `${process.pid}-ctr-`));
  try {
    for (const d of ['diff', 'work', 'userdata']) fs.mkdirSync(path.join(stage, d), { mode: d === 'diff' ? 0o755 : 0o700 });
    fs.writeFileSync(path.join(stage, 'userdata', 'config.json'), formatSpec(spec));
    fs.mkdirSync(store.paths.containers, { recursive: true, mode: 0o700 });
    store.db.write(() => {
      ce.repo.insert({ config, state: initialState() });
      fs.renameSync(stage, ce.containerDir(id));
    });
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}

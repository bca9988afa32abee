/**
 * The command tree, with Podman's groups and aliases. Each leaf is loaded only when it
 * runs, so start-up reads nothing but this table. `short` is repeated here so that
 * `skiff --help` need not import every command.
 */
import type { CommandSpec } from './command.ts';

type Loader = () => Promise<{ command: CommandSpec }>;

export interface CommandEntry {
  name: string;
  aliases?: string[];
  short: string;
  load?: Loader;
  children?: CommandEntry[];
}

const L = {
  // images
  imageList: () => import('./commands/image/list.ts'),
  imageRm: () => import('./commands/image/rm.ts'),
  imageTag: () => import('./commands/image/tag.ts'),
  imageUntag: () => import('./commands/image/untag.ts'),
  imageInspect: () => import('./commands/image/inspect.ts'),
  imageHistory: () => import('./commands/image/history.ts'),
  imageExists: () => import('./commands/image/exists.ts'),
  imagePrune: () => import('./commands/image/prune.ts'),
  imageTree: () => import('./commands/image/tree.ts'),
  imageMount: () => import('./commands/image/mount.ts'),
  imageUnmount: () => import('./commands/image/unmount.ts'),
  imageImport: () => import('./commands/image/import.ts'),
  imageLoad: () => import('./commands/image/load.ts'),
  imageSave: () => import('./commands/image/save.ts'),
  // system
  info: () => import('./commands/system/info.ts'),
  version: () => import('./commands/system/version.ts'),
  systemDf: () => import('./commands/system/df.ts'),
  systemPrune: () => import('./commands/system/prune.ts'),
  // generic
  inspect: () => import('./commands/inspect.ts'),
  help: () => import('./commands/help.ts'),
} satisfies Record<string, Loader>;

const imageChildren: CommandEntry[] = [
  { name: 'exists', short: 'Check if an image exists in local storage', load: L.imageExists },
  { name: 'history', short: 'Show history of a specified image', load: L.imageHistory },
  { name: 'import', short: 'Import a tarball to create a filesystem image', load: L.imageImport },
  { name: 'inspect', short: 'Display the configuration of an image', load: L.imageInspect },
  { name: 'list', aliases: ['ls'], short: 'List images in local storage', load: L.imageList },
  { name: 'load', short: 'Load image(s) from a tar archive', load: L.imageLoad },
  { name: 'mount', short: "Mount an image's root filesystem", load: L.imageMount },
  { name: 'prune', short: 'Remove unused images', load: L.imagePrune },
  { name: 'rm', aliases: ['remove'], short: 'Remove one or more images from local storage', load: L.imageRm },
  { name: 'save', short: 'Save image(s) to an archive', load: L.imageSave },
  { name: 'tag', short: 'Add an additional name to a local image', load: L.imageTag },
  { name: 'tree', short: 'Prints layer hierarchy of an image in a tree format', load: L.imageTree },
  { name: 'unmount', aliases: ['umount'], short: "Unmount an image's root filesystem", load: L.imageUnmount },
  { name: 'untag', short: 'Remove a name from a local image', load: L.imageUntag },
];

const systemChildren: CommandEntry[] = [
  { name: 'df', short: "Show podman disk usage", load: L.systemDf },
  { name: 'info', short: 'Display podman system information', load: L.info },
  { name: 'prune', short: 'Remove unused data', load: L.systemPrune },
];

export const commands: CommandEntry[] = [
  { name: 'help', short: 'Help about any command', load: L.help },
  { name: 'history', short: 'Show history of a specified image', load: L.imageHistory },
  { name: 'image', short: 'Manage images', children: imageChildren },
  { name: 'images', short: 'List images in local storage', load: L.imageList },
  { name: 'import', short: 'Import a tarball to create a filesystem image', load: L.imageImport },
  { name: 'info', short: 'Display podman system information', load: L.info },
  { name: 'inspect', short: 'Display the configuration of object denoted by ID', load: L.inspect },
  { name: 'load', short: 'Load image(s) from a tar archive', load: L.imageLoad },
  { name: 'rmi', short: 'Removes one or more images from local storage', load: L.imageRm },
  { name: 'save', short: 'Save image(s) to an archive', load: L.imageSave },
  { name: 'system', short: 'Manage podman', children: systemChildren },
  { name: 'tag', short: 'Add an additional name to a local image', load: L.imageTag },
  { name: 'untag', short: 'Remove a name from a local image', load: L.imageUntag },
  { name: 'version', short: 'Display the Podman version information', load: L.version },
];

export function findChild(entries: readonly CommandEntry[], word: string): CommandEntry | undefined {
  return entries.find((e) => e.name === word || e.aliases?.includes(word));
}

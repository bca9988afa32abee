/**
 * Every save format in one place: the caller picks a writer by `podman save --format` and,
 * for archives written to a path, wraps it in writeArchiveFile so the file appears whole.
 */
export { writeArchiveFile } from './atomic-file.ts';
export { writeDockerArchive } from './docker-archive-writer.ts';
export { writeDockerDir } from './docker-dir-writer.ts';
export { writeOciArchive, writeOciDir } from './oci-writer.ts';
export type { ArchiveImage, ArchiveLayer, WriteOptions } from './types.ts';

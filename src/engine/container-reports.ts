/**
 * Options and reports of the container engine, with Podman's JSON field names where they
 * are printed (`ps --format json`, `inspect`).
 */
import type { ImagePullOptions } from './image-pull.ts';
import type { Readable, Writable } from 'node:stream';
import type { ContainerCreateOptions } from '../domain/containers/create-options.ts';

/** One item of a batch verb (stop, kill, rm, …): the input as given, and what went wrong. */
export interface BatchReport {
  Id: string;
  RawInput: string;
  Err?: Error;
}

export interface WaitReport extends BatchReport {
  ExitCode: number;
}

export interface PruneContainerReport {
  Id: string;
  Size: number;
  Err?: Error;
}

export interface ContainerStartOptions {
  all?: boolean;
  latest?: boolean;
  /** `start --filter` */
  filters?: string[];
}

export interface ContainerStopOptions {
  all?: boolean;
  filters?: string[];
  ignore?: boolean;
  latest?: boolean;
  /** seconds before SIGKILL; default the container's stop timeout */
  timeout?: number;
}

export interface ContainerRmOptions {
  all?: boolean;
  filters?: string[];
  force?: boolean;
  ignore?: boolean;
  latest?: boolean;
  /** remove the container's anonymous volumes too */
  volumes?: boolean;
  /** seconds `--force` waits before SIGKILL */
  timeout?: number;
  /** `--depend`: the containers that join a removed one's namespaces go first */
  depend?: boolean;
}

export interface ContainerWaitOptions {
  /** Podman's conditions: stopped (default), exited, running, paused, created, configured… */
  conditions?: string[];
  /** poll interval in ms */
  interval?: number;
  latest?: boolean;
  ignore?: boolean;
}

export interface ContainerCleanupOptions {
  all?: boolean;
  latest?: boolean;
  /** remove the container afterwards, whatever its --rm said */
  rm?: boolean;
}

/** The streams of an attached run, start -a or attach; leave one out not to attach it. */
export interface AttachStreams {
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
}

export interface ContainerRunOptions {
  create: ContainerCreateOptions;
  /** registry options for pulling the image (`--pull`) */
  pull?: ImagePullOptions;
  /** print the ID and return once it runs (`-d`) */
  detach?: boolean;
  streams?: AttachStreams;
  detachKeys?: string;
  /** called once the container runs (install signal proxies here); the returned function undoes it */
  onStarted?: (id: string) => (() => void) | void;
}

export interface ContainerRunReport {
  Id: string;
  /** the container's exit code; undefined when detached */
  ExitCode?: number;
  /** the user typed the detach keys */
  Detached?: boolean;
}

export interface ContainerListOptions {
  all?: boolean;
  /** the n most recently created (-n) */
  last?: number;
  latest?: boolean;
  size?: boolean;
  filters?: string[];
  /** compute namespaces (--ns) */
  namespace?: boolean;
}

/** `ps --format json` (Podman 4.3's entities.ListContainer, in its field order). */
export interface ListContainer {
  AutoRemove: boolean;
  Command: string[];
  CreatedAt: string;
  Exited: boolean;
  /** seconds since the epoch; Go's zero time (-62135596800) when it never exited */
  ExitedAt: number;
  ExitCode: number;
  Id: string;
  Image: string;
  ImageID: string;
  IsInfra: boolean;
  Labels: Record<string, string> | null;
  Mounts: string[];
  Names: string[];
  Namespaces: Record<string, string>;
  Networks: string[];
  Pid: number;
  Pod: string;
  PodName: string;
  Ports: unknown[] | null;
  Size: { RootFsSize: number; RwSize: number } | null;
  StartedAt: number;
  /** Podman's state word: created, running, paused, exited, … */
  State: string;
  /** "Up 3 seconds ago", "Exited (0) 2 seconds ago", "Created" */
  Status: string;
  /** seconds since the epoch */
  Created: number;
  /** the container's creation time (ms), for sorting and the CREATED column */
  createdMs: number;
}

export interface ContainerLogsOptions {
  follow?: boolean;
  /** only lines at or after this time (ms since the epoch) */
  since?: number;
  /** only lines before this time */
  until?: number;
  /** the last n lines of each container; negative for all */
  tail?: number;
  latest?: boolean;
}

/** One line (or partial line) of a container's log. */
export interface LogLine {
  id: string;
  name: string;
  /** RFC 3339 time as conmon wrote it */
  time: string;
  stream: 'stdout' | 'stderr';
  /** the text without its newline */
  text: string;
  /** false when conmon wrote the line in pieces (P) and more follows */
  full: boolean;
}

/** `inspect` of a container: Podman's InspectContainerData, key order as Podman prints it. */
export type ContainerInspectReport = Record<string, unknown>;

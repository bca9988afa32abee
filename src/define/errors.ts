/**
 * Errors every layer may raise. Each carries a stable `code` (survives a trip through a
 * remote API) and the process exit status the CLI maps it to, as Podman's define/errors.go
 * and exec_codes.go do. Tests check the class or code, not the text.
 */
export const ExitCode = {
  ok: 0,
  /** skiff's own failure */
  engine: 125,
  /** the container command could not be invoked */
  cannotInvoke: 126,
  /** the container command was not found */
  notFound: 127,
} as const;

export class SkiffError extends Error {
  readonly code: string = 'internal';
  readonly exitCode: number = ExitCode.engine;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad flags, arguments or values given by the user. */
export class InvalidArgumentError extends SkiffError {
  override readonly code = 'invalid-argument';
}

export class NoSuchImageError extends SkiffError {
  override readonly code = 'no-such-image';
  readonly nameOrId: string;
  constructor(nameOrId: string) {
    super(`${nameOrId}: image not known`);
    this.nameOrId = nameOrId;
  }
}

export class NoSuchContainerError extends SkiffError {
  override readonly code = 'no-such-container';
  readonly nameOrId: string;
  constructor(nameOrId: string) {
    super(`no container with name or ID "${nameOrId}" found: no such container`);
    this.nameOrId = nameOrId;
  }
}

export class NoSuchVolumeError extends SkiffError {
  override readonly code = 'no-such-volume';
  readonly volumeName: string;
  constructor(name: string) {
    super(`no volume with name "${name}" found: no such volume`);
    this.volumeName = name;
  }
}

export class NoSuchLayerError extends SkiffError {
  override readonly code = 'no-such-layer';
}

export class NameInUseError extends SkiffError {
  override readonly code = 'name-in-use';
}

export class ImageInUseError extends SkiffError {
  override readonly code = 'image-in-use';
}

export class InvalidStateError extends SkiffError {
  override readonly code = 'invalid-state';
}

export class ConfigError extends SkiffError {
  override readonly code = 'config';
}

/** Archive, manifest or blob content that is malformed, truncated or fails its digest. */
export class CorruptContentError extends SkiffError {
  override readonly code = 'corrupt-content';
}

export class DigestMismatchError extends CorruptContentError {
  readonly expected: string;
  readonly actual: string;
  constructor(expected: string, actual: string, what = 'blob') {
    super(`${what} digest mismatch: expected ${expected}, got ${actual}`);
    this.expected = expected;
    this.actual = actual;
  }
}

/** A path in an archive or a copy tried to leave its root. */
export class PathEscapeError extends SkiffError {
  override readonly code = 'path-escape';
}

/** An external program skiff needs is not installed. */
export class MissingProgramError extends SkiffError {
  override readonly code = 'missing-program';
  readonly program: string;
  readonly debianPackage: string;
  constructor(program: string, debianPackage: string) {
    super(`${program} not found in $PATH: install the Debian package "${debianPackage}"`);
    this.program = program;
    this.debianPackage = debianPackage;
  }
}

/** An external program ran and failed. */
export class ProgramFailedError extends SkiffError {
  override readonly code = 'program-failed';
  readonly program: string;
  readonly status: number | null;
  readonly stderr: string;
  constructor(program: string, status: number | null, stderr: string) {
    super(`${program} failed${status === null ? '' : ` (exit status ${status})`}${stderr ? `: ${stderr.trim()}` : ''}`);
    this.program = program;
    this.status = status;
    this.stderr = stderr;
  }
}

export class RuntimeNotFoundError extends SkiffError {
  override readonly code = 'runtime-not-found';
}

/** The container's command is not executable (exit 126). */
export class CannotInvokeError extends SkiffError {
  override readonly code = 'cannot-invoke';
  override readonly exitCode = ExitCode.cannotInvoke;
}

/** The container's command does not exist (exit 127). */
export class CommandNotFoundError extends SkiffError {
  override readonly code = 'command-not-found';
  override readonly exitCode = ExitCode.notFound;
}

/** Fails with a caller-chosen exit status (e.g. `rmi`: 1 unknown image, 2 image in use). */
export class ExitStatusError extends SkiffError {
  override readonly code = 'exit-status';
  override readonly exitCode: number;
  readonly inner: SkiffError | undefined;
  constructor(message: string, exitCode: number, inner?: SkiffError) {
    super(message);
    this.exitCode = exitCode;
    this.inner = inner;
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/**
 * The OCI runtime failed to create or start the container's process for a reason other than
 * a missing or non-executable command. Exit 126 as `podman run` gives (its ExitCode maps
 * every other runtime error to "cannot invoke").
 */
export class OciRuntimeError extends SkiffError {
  override readonly code = 'oci-runtime';
  override readonly exitCode = ExitCode.cannotInvoke;
}

/** A registry refused or failed a request (HTTP status, connection, TLS); the message names registry and repository. */
export class RegistryError extends SkiffError {
  override readonly code = 'registry';
  /** The HTTP status, when the registry answered. */
  readonly status: number | undefined;
  constructor(message: string, status?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
  }
}

/** Podman's ErrNoSuchNetwork. */
export class NoSuchNetworkError extends SkiffError {
  override readonly code = 'no-such-network';
  readonly nameOrId: string;
  constructor(nameOrId: string) {
    super(`unable to find network with name or ID ${nameOrId}: network not found`);
    this.nameOrId = nameOrId;
  }
}

/** A layer needs a uid or gid the rootless user namespace does not map (/etc/subuid too small). */
export class UnmappedIdError extends SkiffError {
  override readonly code = 'unmapped-id';
}

/** Setting up a container's network failed (addresses, ports, netavark): skiff's own error, exit 125 also for `run`. */
export class NetworkError extends SkiffError {
  override readonly code = 'network';
}

/** Podman's ErrCtrExists: e.g. removing a container others still join ("…: container already exists"). */
export class ContainerExistsError extends SkiffError {
  override readonly code = 'container-exists';
  constructor(message: string) {
    super(`${message}: container already exists`);
  }
}

/** Podman's ErrVolumeExists. */
export class VolumeExistsError extends SkiffError {
  override readonly code = 'volume-exists';
  constructor(name: string) {
    super(`volume with name ${name} already exists: volume already exists`);
  }
}

/** Podman's ErrVolumeBeingUsed: `volume rm` of a volume containers use, exit 2 as Podman's. */
export class VolumeInUseError extends SkiffError {
  override readonly code = 'volume-in-use';
  override readonly exitCode = 2;
  constructor(name: string, containerIds: readonly string[]) {
    super(`volume ${name} is being used by the following container(s): ${containerIds.join(', ')}: volume is being used`);
  }
}

export class NoSuchSecretError extends SkiffError {
  override readonly code = 'no-such-secret';
  constructor(nameOrId: string) {
    super(`no secret with name or id ${JSON.stringify(nameOrId)}: no such secret`);
  }
}

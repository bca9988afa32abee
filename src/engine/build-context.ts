/**
 * Where a build's context comes from, as Buildah's TempDirForURL has it: a directory as is;
 * `-` (standard input) or an http(s) URL read whole and extracted into a temporary
 * directory when it is a (possibly compressed) tar archive, else taken for the
 * Containerfile itself (saved as `Dockerfile` in an otherwise empty context). Archive
 * entries are resolved inside the directory, so links in the archive cannot lead out of it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { InvalidArgumentError, SkiffError } from '../define/errors.ts';

export type ContextSource =
  | { kind: 'dir'; path: string }
  | { kind: 'stdin'; stream: Readable }
  | { kind: 'url'; url: string };

export interface BuildContext {
  dir: string;
  /** removes what was extracted (nothing for a directory) */
  cleanup(): void;
}

function isUrl(s: string): boolean {
  return /^https?:\/\//i.test(s);
}

/** The body of an http(s) URL; a failed request or a non-2xx answer is an error. */
async function download(url: string): Promise<Buffer> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (err) {
    throw new SkiffError(`reading ${url}: ${((err as Error).cause as Error | undefined)?.message ?? (err as Error).message}`, { cause: err });
  }
  if (!res.ok) throw new SkiffError(`reading ${url}: invalid response status ${res.status}`);
  const body = Buffer.from(await res.arrayBuffer());
  if (body.length === 0) throw new SkiffError(`no contents in "${url}"`);
  return body;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function unpack(data: Buffer, dir: string): Promise<void> {
  const { extractArchive } = await import('../domain/containers/copy/extract-archive.ts');
  const { containerTarget } = await import('../domain/containers/copy/copy-target.ts');
  try {
    await extractArchive(Readable.from([data]), containerTarget({ root: dir }, '/'), { notAnArchive: 'not an archive' });
  } catch (err) {
    if (!(err instanceof SkiffError)) throw err;
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { mode: 0o700 });
    fs.writeFileSync(path.join(dir, 'Dockerfile'), data, { mode: 0o600 });
  }
}

/** The context directory for `source`; temporary ones go under `tmpDir`. */
export async function prepareContext(source: ContextSource, tmpDir: string): Promise<BuildContext> {
  if (source.kind === 'dir') {
    if (!fs.statSync(source.path, { throwIfNoEntry: false })?.isDirectory()) throw new InvalidArgumentError(`context must be a directory: "${source.path}"`);
    return { dir: source.path, cleanup: () => {} };
  }
  const data = source.kind === 'stdin' ? await readAll(source.stream) : await download(source.url);
  fs.mkdirSync(tmpDir, { recursive: true });
  const dir = fs.mkdtempSync(path.join(tmpDir, 'buildah'));
  try {
    await unpack(data, dir);
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export interface BuildInputRequest {
  /** the CONTEXT argument: a directory, `-` or an http(s) URL; undefined when none was given */
  context: string | undefined;
  /** `-f`: a path (tried as given, then in the context), `-` or an http(s) URL */
  file: string | undefined;
  stdin: Readable;
  tmpDir: string;
}

export interface BuildInput {
  contextDir: string;
  /** the Containerfile's text and the name errors give it */
  containerfile: { text: string; name: string };
  cleanup(): void;
}

function readLocal(p: string): string | undefined {
  const st = fs.statSync(p, { throwIfNoEntry: false });
  return st?.isFile() ? fs.readFileSync(p, 'utf8') : undefined;
}

async function readContainerfile(file: string | undefined, contextDir: string, stdin: Readable): Promise<{ text: string; name: string }> {
  if (file === '-') return { text: (await readAll(stdin)).toString('utf8'), name: '-' };
  if (file !== undefined && isUrl(file)) return { text: (await download(file)).toString('utf8'), name: path.posix.basename(new URL(file).pathname) || 'Containerfile' };
  if (file !== undefined) {
    for (const candidate of path.isAbsolute(file) ? [file] : [file, path.join(contextDir, file)]) {
      const text = readLocal(candidate);
      if (text !== undefined) return { text, name: path.basename(candidate) };
    }
    throw new InvalidArgumentError(`the specified Containerfile or Dockerfile does not exist, ${file}: no such file or directory`);
  }
  for (const name of ['Containerfile', 'Dockerfile']) {
    const candidate = path.join(contextDir, name);
    if (fs.statSync(candidate, { throwIfNoEntry: false })?.isDirectory()) throw new InvalidArgumentError(`${name.toLowerCase()}:  cannot be path or directory`);
    const text = readLocal(candidate);
    if (text !== undefined) return { text, name };
  }
  throw new InvalidArgumentError(`no Containerfile or Dockerfile specified or found in context directory, ${path.resolve(contextDir)}: no such file or directory`);
}

/**
 * The context and Containerfile of a build, by Podman's rules: no CONTEXT means the
 * directory of a local `-f` file, else the working directory; `-f -` without a CONTEXT
 * makes standard input the context (a tar archive, or the Containerfile itself).
 */
export async function resolveBuildInput(req: BuildInputRequest): Promise<BuildInput> {
  let { context, file } = req;
  if (file === '-' && context === undefined) {
    context = '-';
    file = undefined;
  }
  context ??= file !== undefined && !isUrl(file) ? path.dirname(file) : '.';
  const source: ContextSource = context === '-' ? { kind: 'stdin', stream: req.stdin } : isUrl(context) ? { kind: 'url', url: context } : { kind: 'dir', path: context };
  const ctx = await prepareContext(source, req.tmpDir);
  try {
    return { contextDir: ctx.dir, containerfile: await readContainerfile(file, ctx.dir, req.stdin), cleanup: ctx.cleanup };
  } catch (err) {
    ctx.cleanup();
    throw err;
  }
}

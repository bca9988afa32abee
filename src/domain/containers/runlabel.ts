/**
 * `container runlabel`: an image label's value turned into the command to run on the host, as
 * Podman does: split as a shell would (no shell runs it), `$IMAGE`/`${IMAGE}`, `$NAME` and
 * `$PWD` expanded, the Atomic forms (`IMAGE`, `NAME` alone, or after `=`) replaced, and a
 * leading `podman` or `docker` made this skiff.
 */
import { InvalidArgumentError } from '../../define/errors.ts';
import { processWords } from '../build/substitute.ts';

export interface RunlabelInput {
  /** the label's value */
  value: string;
  image: string;
  name: string;
  pwd: string;
  /** the skiff to run for `podman`/`docker`, then the global flags it needs (the same store) */
  executable: string;
  globalArgs?: readonly string[];
}

/** The name a runlabel container gets by default: the image's last path part, no tag or digest. */
export function defaultRunlabelName(image: string): string {
  const last = image.split('@')[0]!.split('/').pop()!;
  return last.replace(/:[^:]*$/, '');
}

/** Variables other than these three stay as written: no shell would expand them either. */
class LiteralUnknown extends Map<string, string> {
  override get(key: string): string {
    return super.get(key) ?? `$${key}`;
  }
}

export function runlabelCommand(input: RunlabelInput): string[] {
  const words = processWords(input.value, new LiteralUnknown([['IMAGE', input.image], ['NAME', input.name], ['PWD', input.pwd]]), '\\');
  if (words.length === 0) throw new InvalidArgumentError('label is empty');
  const tools = /^(?:\/usr\/(?:local\/)?bin\/)?(?:podman|docker)$/;
  const own = tools.test(words[0]!);
  const rest = words.slice(own ? 1 : 0).map((w) => {
    if (w === 'IMAGE') return input.image;
    if (w === 'NAME') return input.name;
    if (w.endsWith('=IMAGE')) return `${w.slice(0, -'IMAGE'.length)}${input.image}`;
    if (w.endsWith('=NAME')) return `${w.slice(0, -'NAME'.length)}${input.name}`;
    return w;
  });
  return own ? [input.executable, ...(input.globalArgs ?? []), ...rest] : rest;
}

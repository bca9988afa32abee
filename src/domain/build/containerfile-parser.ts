/**
 * Containerfile/Dockerfile syntax (Containerfile(5), Docker's parser): parser directives,
 * comments, line continuations with the escape character, heredocs, `--flag=value`
 * options and JSON (exec) versus shell forms. Variables are not expanded here: their values
 * depend on the stage being built (see substitute.ts).
 */
import { InvalidArgumentError } from '../../define/errors.ts';

export interface Heredoc {
  name: string;
  content: string;
}

export interface Instruction {
  /** upper case: RUN, COPY, … */
  cmd: string;
  /** `--from=x` style options, as written */
  flags: string[];
  /** everything after the instruction name and its options, continuations joined */
  rest: string;
  /** the arguments when written as a JSON array of strings */
  json?: string[];
  heredocs: Heredoc[];
  /** 1-based line the instruction starts on */
  line: number;
  /** the instruction as written (continuations joined), for messages and history */
  original: string;
}

export interface ParsedContainerfile {
  file: string;
  escape: string;
  directives: Record<string, string>;
  instructions: Instruction[];
}

export const knownInstructions = new Set([
  'ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL',
  'MAINTAINER', 'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR',
]);

/** An error in the file, named `file:line: what` as Buildah does. */
export class ContainerfileError extends InvalidArgumentError {
  constructor(file: string, line: number, what: string) {
    super(`${file}:${line}: ${what}`);
  }
}

const directiveRe = /^#\s*([a-zA-Z][a-zA-Z0-9_-]*)\s*=\s*(.*?)\s*$/;

function readDirectives(lines: string[]): { directives: Record<string, string>; start: number } {
  const directives: Record<string, string> = {};
  let i = 0;
  for (; i < lines.length; i++) {
    const m = directiveRe.exec(lines[i]!);
    if (!m) break;
    const key = m[1]!.toLowerCase();
    if (key in directives) break;
    directives[key] = m[2]!;
  }
  return { directives, start: i };
}

/** Whether the line ends with an unescaped continuation character. */
function continues(line: string, escape: string): boolean {
  return line.replace(/[ \t]+$/, '').endsWith(escape);
}

const heredocRe = /<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g;

function parseJsonArray(rest: string): string[] | undefined {
  const t = rest.trim();
  if (!t.startsWith('[')) return undefined;
  try {
    const v: unknown = JSON.parse(t);
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  } catch {
    return undefined;
  }
  return undefined;
}

/** Splits leading `--name[=value]` options off the arguments. */
function splitFlags(body: string): { flags: string[]; rest: string } {
  const flags: string[] = [];
  let rest = body.trimStart();
  for (;;) {
    const m = /^--[A-Za-z][A-Za-z0-9-]*(=("[^"]*"|\S*))?(\s+|$)/.exec(rest);
    if (!m) break;
    flags.push(m[0].trim());
    rest = rest.slice(m[0].length);
  }
  return { flags, rest };
}

const flagTakers = new Set(['ADD', 'COPY', 'FROM', 'RUN', 'HEALTHCHECK']);

export function parseContainerfile(text: string, file = 'Containerfile'): ParsedContainerfile {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const { directives, start } = readDirectives(lines);
  const escape = directives.escape ?? '\\';
  if (escape !== '\\' && escape !== '`') throw new ContainerfileError(file, 1, `invalid escape token '${escape}' does not match ` + '` or \\');
  const instructions: Instruction[] = [];
  let i = start;
  while (i < lines.length) {
    const first = lines[i]!;
    const trimmed = first.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      i++;
      continue;
    }
    const lineNo = i + 1;
    let joined = '';
    let cur = first;
    for (;;) {
      if (continues(cur, escape)) {
        const t = cur.replace(/[ \t]+$/, '');
        joined += t.slice(0, -1);
        i++;
        // comment and empty lines inside a continuation are dropped
        while (i < lines.length && (lines[i]!.trim().startsWith('#') || lines[i]!.trim() === '')) i++;
        if (i >= lines.length) break;
        cur = lines[i]!;
        continue;
      }
      joined += cur;
      i++;
      break;
    }
    const m = /^\s*(\S+)\s*([\s\S]*)$/.exec(joined)!;
    const cmd = m[1]!.toUpperCase();
    if (!knownInstructions.has(cmd)) throw new ContainerfileError(file, lineNo, `unknown instruction: ${m[1]!.toUpperCase()}`);
    let body = m[2]!;
    let flags: string[] = [];
    if (flagTakers.has(cmd)) ({ flags, rest: body } = splitFlags(body));
    const heredocs: Heredoc[] = [];
    if (cmd === 'RUN' || cmd === 'COPY' || cmd === 'ADD') {
      for (const h of body.matchAll(heredocRe)) {
        const strip = h[1] === '-';
        const name = h[3]!;
        const content: string[] = [];
        for (;;) {
          if (i >= lines.length) throw new ContainerfileError(file, lineNo, `unterminated heredoc ${name}`);
          const l = lines[i++]!;
          if ((strip ? l.replace(/^\t+/, '') : l) === name) break;
          content.push(strip ? l.replace(/^\t+/, '') : l);
        }
        heredocs.push({ name, content: content.map((c) => `${c}\n`).join('') });
      }
    }
    const rest = body.trim();
    const json = parseJsonArray(rest);
    instructions.push({ cmd, flags, rest, ...(json ? { json } : {}), heredocs, line: lineNo, original: `${cmd} ${[...flags, rest].join(' ')}`.trim() });
  }
  return { file, escape, directives, instructions };
}

export interface StageSpec {
  /** 0-based position */
  index: number;
  /** `FROM … AS name`, lower case */
  name?: string;
  /** the base as written (variables not yet expanded) */
  base: string;
  platform?: string;
  from: Instruction;
  instructions: Instruction[];
}

export interface BuildPlan {
  /** ARGs before the first FROM */
  globalArgs: Instruction[];
  stages: StageSpec[];
}

/** Groups instructions into stages: `FROM [--platform=p] image [AS name]`. */
export function planStages(parsed: ParsedContainerfile): BuildPlan {
  const globalArgs: Instruction[] = [];
  const stages: StageSpec[] = [];
  for (const ins of parsed.instructions) {
    if (ins.cmd === 'FROM') {
      const words = ins.rest.split(/\s+/).filter(Boolean);
      const ok = words.length === 1 || (words.length === 3 && words[1]!.toLowerCase() === 'as');
      if (!ok) throw new ContainerfileError(parsed.file, ins.line, 'FROM requires either one or three arguments');
      const platform = ins.flags.find((f) => f.startsWith('--platform='))?.slice('--platform='.length);
      stages.push({
        index: stages.length,
        ...(words.length === 3 ? { name: words[2]!.toLowerCase() } : {}),
        base: words[0]!,
        ...(platform ? { platform } : {}),
        from: ins,
        instructions: [],
      });
      continue;
    }
    const stage = stages.at(-1);
    if (stage) stage.instructions.push(ins);
    else if (ins.cmd === 'ARG') globalArgs.push(ins);
    else throw new ContainerfileError(parsed.file, ins.line, `${ins.cmd} instruction before FROM: no FROM instruction`);
  }
  if (stages.length === 0) throw new ContainerfileError(parsed.file, parsed.instructions.at(-1)?.line ?? 1, 'no FROM instruction');
  return { globalArgs, stages };
}

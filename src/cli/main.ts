/**
 * skiff's entry point: finds the command, parses its flags, runs it, and maps whatever it
 * throws to `Error: …` and an exit status, once, here.
 */
import { ExitCode, InvalidArgumentError, SkiffError, errorMessage } from '../define/errors.ts';
import { codeCacheHook } from './code-cache-hook.ts';
import { CliContext } from './context.ts';
import { parseFlags } from './flags.ts';
import { globalFlags, globalOptionsFrom } from './global-flags.ts';
import { commandHelp, groupHelp } from './help.ts';
import { commands, findChild, type CommandEntry } from './registry.ts';
import { skiffVersion } from './version.ts';
import { writeOut } from './stdio.ts';

async function main(argv: string[]): Promise<number> {
  // Global flags may stand before the command word; the first positional is the command.
  const leading = parseFlags(argv, globalFlags, { stopAtFirstPositional: true });
  if (leading.flags.bool('version') && !leading.args.length) {
    writeOut(1, `skiff version ${skiffVersion}\n`);
    return 0;
  }
  const rest = leading.args;
  const path: string[] = [];
  let entries: readonly CommandEntry[] = commands;
  let entry: CommandEntry | undefined;
  let i = 0;
  let groupShort = 'Manage pods, containers and images';
  for (; i < rest.length; i++) {
    const word = rest[i]!;
    if (word.startsWith('-')) break;
    const found = findChild(entries, word);
    if (!found) {
      if (!entry) {
        throw new InvalidArgumentError(`unrecognized command \`skiff ${word}\`\nTry 'skiff --help' for more information`);
      }
      break;
    }
    entry = found;
    path.push(found.name);
    if (!found.children) {
      i++;
      break;
    }
    entries = found.children;
    groupShort = found.short;
  }
  const commandArgv = [...argvBeforeCommand(argv, rest.length), ...rest.slice(i)];
  // Only a uid check on root's path: the rootless module loads only for other users.
  if (process.geteuid!() !== 0 && entry && !entry.children && needsUserNamespace(path, commandArgv)) {
    await enterUserNamespace(argv);
  }

  if (!entry || entry.children) {
    const group = entry?.children ?? commands;
    const parsed = parseFlags(commandArgv, globalFlags);
    if (entry && parsed.args.length && !parsed.help) {
      throw new InvalidArgumentError(`unrecognized command \`skiff ${path.join(' ')} ${parsed.args[0]}\`\nTry 'skiff ${path.join(' ')} --help' for more information`);
    }
    if (!entry && !parsed.help && !parsed.args.length) {
      writeOut(1, groupHelp(groupShort, path, group, globalFlags));
      return entry ? 0 : ExitCode.engine;
    }
    writeOut(1, groupHelp(groupShort, path, group, globalFlags));
    return 0;
  }

  const { command: spec } = await entry.load!();
  const specFlags = [...(spec.flags ?? [])];
  const own = new Set(specFlags.map((f) => f.name));
  const ownShort = new Set(specFlags.map((f) => f.short).filter(Boolean));
  const all = [...specFlags, ...globalFlags.filter((g) => !own.has(g.name) && !(g.short && ownShort.has(g.short)))];
  let parsed;
  try {
    parsed = parseFlags(commandArgv, all, { stopAtFirstPositional: spec.stopAtFirstPositional ?? false });
  } catch (err) {
    if (err instanceof InvalidArgumentError) {
      throw new InvalidArgumentError(`${err.message}\nSee '${['skiff', ...path].join(' ')} --help'`);
    }
    throw err;
  }
  if (parsed.help) {
    writeOut(1, commandHelp(spec, path, entry.aliases));
    return 0;
  }
  checkArgCount(spec.minArgs, spec.maxArgs, parsed.args.length);
  // The engine (and its database) is not closed: the process exits next, and closing the
  // last SQLite connection would checkpoint the WAL, a cost later writers pay anyway.
  const ctx = new CliContext(globalOptionsFrom(parsed.flags), path);
  const code = (await spec.run(ctx, parsed.flags, parsed.args)) ?? 0;
  if (code === 0) codeCacheHook.succeeded();
  return code;
}

/** Commands that never touch storage run in the caller's own namespaces. */
const outsideUserNamespace = new Set(['help', 'version', 'login', 'logout', 'search']);

function needsUserNamespace(path: string[], commandArgv: string[]): boolean {
  if (outsideUserNamespace.has(path.join(' '))) return false;
  const end = commandArgv.indexOf('--');
  return !(end === -1 ? commandArgv : commandArgv.slice(0, end)).includes('--help');
}

/** Re-executes this command inside the user's rootless namespace, unless already there. */
async function enterUserNamespace(argv: string[]): Promise<void> {
  const userns = await import('../engine/user-namespace.ts');
  if (userns.inUserNamespace()) return;
  const ns = await userns.joinableUserNamespace();
  if (ns.singleIdWarning) writeOut(2, `WARN[0000] ${ns.singleIdWarning}\n`);
  userns.reexecInUserNamespace(ns, argv);
}

/** The leading global flags, which were consumed before the command word was found. */
function argvBeforeCommand(argv: string[], restLength: number): string[] {
  return argv.slice(0, argv.length - restLength);
}

function checkArgCount(min: number | undefined, max: number | undefined, n: number): void {
  if (min !== undefined && max !== undefined && min === max && n !== min) {
    throw new InvalidArgumentError(`accepts ${min} arg(s), received ${n}`);
  }
  if (min !== undefined && n < min) throw new InvalidArgumentError(`requires at least ${min} arg(s), only received ${n}`);
  if (max !== undefined && n > max) throw new InvalidArgumentError(`accepts at most ${max} arg(s), received ${n}`);
}

export function exitCodeFor(err: unknown): number {
  return err instanceof SkiffError ? err.exitCode : ExitCode.engine;
}

// No top-level await: the CLI is bundled as one CommonJS file (see scripts/bundle.mjs).
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (process.env['SKIFF_DEBUG'] && err instanceof Error) writeOut(2, `${err.stack}\n`);
    writeOut(2, `Error: ${errorMessage(err)}\n`);
    process.exitCode = exitCodeFor(err);
  },
);

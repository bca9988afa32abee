/**
 * What every command gets: the global options, output streams and a lazily opened engine
 * (so `--help`, `version` and friends never touch storage).
 */
import type { Engine, EngineOptions } from '../engine/engine.ts';
import { writeOut } from './stdio.ts';

export interface GlobalOptions extends EngineOptions {
  logLevel: string;
}

export class CliContext {
  #engine: Promise<Engine> | undefined;
  readonly global: GlobalOptions;
  /** the words that named the command, e.g. ["image", "ls"] */
  readonly commandPath: string[];
  constructor(global: GlobalOptions, commandPath: string[]) {
    this.global = global;
    this.commandPath = commandPath;
  }

  /** "skiff image ls": for help and error hints */
  get commandLine(): string {
    return ['skiff', ...this.commandPath].join(' ');
  }

  out(text: string): void {
    writeOut(1, text);
  }

  err(text: string): void {
    writeOut(2, text);
  }

  /** Prints a non-fatal per-item error as Podman does for batch verbs. */
  error(message: string): void {
    writeOut(2, `Error: ${message}\n`);
  }

  warn(message: string): void {
    if (this.global.logLevel !== 'error' && this.global.logLevel !== 'fatal' && this.global.logLevel !== 'panic') {
      writeOut(2, `WARN[0000] ${message}\n`);
    }
  }

  engine(): Promise<Engine> {
    this.#engine ??= import('../engine/engine.ts').then((m) => m.openEngine({ ...this.global, warn: (message) => this.warn(message) }));
    return this.#engine;
  }
}

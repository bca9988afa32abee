/**
 * Build contexts for the build e2e files: a temp directory per context, written from a
 * name → text map (names may hold slashes), all removed by `cleanup()`.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class BuildContexts {
  readonly #dirs: string[] = [];

  /** A new context; readable by everyone, so rootless builds can use it too. */
  make(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-build-ctx-'));
    this.#dirs.push(dir);
    chmodSync(dir, 0o755);
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    return dir;
  }

  /** Removes `dir` with the contexts. */
  adopt(dir: string): void {
    this.#dirs.push(dir);
  }

  cleanup(): void {
    for (const d of this.#dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  }
}

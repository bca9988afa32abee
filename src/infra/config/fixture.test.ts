// Shared by the config loaders' tests (no tests of its own): a throw-away system root and
// home under which a test writes the files a loader reads.
import type { TestContext } from 'node:test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface ConfigTree {
  root: string;
  home: string;
  /** Writes `text` at `rel` under the root, making its directories; returns the path. */
  write(rel: string, text: string): string;
}

export function configTree(t: TestContext, prefix: string): ConfigTree {
  const root = mkdtempSync(join(tmpdir(), `skiff-${prefix}-`));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  return {
    root,
    home: join(root, 'home/user'),
    write(rel, text) {
      const path = join(root, rel);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      return path;
    },
  };
}

/**
 * The skiff other programs should run (systemd units, image labels): bin/skiff of this
 * installation, as an absolute path. The CLI is dist/bin/skiff-main.cjs (or src/cli/… in a
 * checkout), two levels below the installation's root.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function skiffExecutable(): string {
  const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/skiff');
  try {
    return fs.realpathSync(file);
  } catch {
    return file;
  }
}

/**
 * Runs the external programs test fixtures are made with (umoci, skopeo, tar, …), with argv
 * arrays, and turns a missing program into an error naming the Debian package to install.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

const packageOf: Record<string, string> = {
  umoci: 'umoci',
  skopeo: 'skopeo',
  tar: 'tar',
  mknod: 'coreutils',
  chmod: 'coreutils',
  htpasswd: 'apache2-utils',
  'docker-registry': 'docker-registry',
};

/** Runs `cmd args…` and returns its stdout; rejects with the command line and its stderr. */
export async function tool(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  try {
    const { stdout } = await execFileP(cmd, args, { ...opts, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' });
    return stdout;
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string; code?: string | number };
    if (e.code === 'ENOENT') {
      const pkg = packageOf[cmd];
      throw new Error(`${cmd} is not installed${pkg ? ` (Debian package ${pkg}; bash scripts/setup.sh installs it)` : ''}`);
    }
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${e.code}): ${(e.stderr ?? '').trim() || e.message}`);
  }
}

/**
 * ssh-agent (openssh-client) serving private keys to a build's RUN, and a relay to an agent
 * the user already runs. The relay is skiff's own socket, so the RUN's mount can have its
 * owner and mode without touching the user's socket; it lives as long as the step.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { MissingProgramError, ProgramFailedError } from '../../define/errors.ts';
import { runProgram } from './process.ts';

export interface SocketService {
  /** the socket's path */
  path: string;
  close(): void;
}

async function waitForSocket(path: string, alive: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (fs.statSync(path, { throwIfNoEntry: false })?.isSocket()) return;
    if (!alive()) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new ProgramFailedError(what, null, `did not create its socket ${path}`);
}

/** An ssh-agent listening on `path` that holds `keys` (without passphrases: nothing can ask for one). */
export async function startSshAgent(path: string, keys: readonly string[]): Promise<SocketService> {
  const agent = spawn('ssh-agent', ['-D', '-a', path], { stdio: 'ignore' });
  let exited = false;
  const failedToStart = new Promise<Error>((resolve) => agent.on('error', resolve));
  agent.on('exit', () => {
    exited = true;
  });
  const close = () => {
    if (!exited) agent.kill('SIGTERM');
    fs.rmSync(path, { force: true });
  };
  try {
    await Promise.race([
      waitForSocket(path, () => !exited, 'ssh-agent'),
      failedToStart.then((err) => {
        throw (err as NodeJS.ErrnoException).code === 'ENOENT' ? new MissingProgramError('ssh-agent', 'openssh-client') : err;
      }),
    ]);
    await runProgram('ssh-add', ['-q', ...keys], { debianPackage: 'openssh-client', env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', SSH_AUTH_SOCK: path } });
  } catch (err) {
    close();
    throw err;
  }
  return { path, close };
}

/** A socket at `path` whose every connection is passed through to the agent at `upstream`. */
export async function relaySocket(path: string, upstream: string): Promise<SocketService> {
  const net = process.getBuiltinModule('node:net');
  const server = net.createServer((client) => {
    const agent = net.connect(upstream);
    client.pipe(agent).pipe(client);
    const end = () => {
      client.destroy();
      agent.destroy();
    };
    client.on('error', end).on('close', end);
    agent.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  // the build waits on its RUN containers, not on this
  server.unref();
  return {
    path,
    close: () => {
      server.close();
      fs.rmSync(path, { force: true });
    },
  };
}

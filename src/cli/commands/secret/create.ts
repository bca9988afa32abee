import fs from 'node:fs';
import { InvalidArgumentError } from '../../../define/errors.ts';
import type { CommandSpec } from '../../command.ts';

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

export const command: CommandSpec = {
  use: 'create [options] NAME FILE|-',
  short: 'Create a new secret',
  long: 'Create a secret. Input can be a path to a file or "-" (read from stdin). Secret drivers "file" (default) is supported.',
  examples: ['skiff secret create mysecret /path/to/secret', 'printf "secretdata" | skiff secret create mysecret -'],
  minArgs: 2,
  maxArgs: 2,
  flags: [
    { name: 'driver', short: 'd', type: 'string', default: 'file', description: 'Specify secret driver' },
    { name: 'env', type: 'bool', description: 'Read secret data from environment variable' },
    { name: 'label', short: 'l', type: 'stringArray', description: 'Specify labels on the secret' },
  ],
  async run(ctx, flags, args) {
    const [name, source] = args as [string, string];
    let data: Buffer;
    if (flags.bool('env')) {
      const value = process.env[source];
      if (value === undefined) throw new InvalidArgumentError(`cannot create store secret data: environment variable ${source} is not set`);
      data = Buffer.from(value);
    } else if (source === '-') {
      data = await readAll(process.stdin);
    } else {
      try {
        data = fs.readFileSync(source);
      } catch (err) {
        throw new InvalidArgumentError(`reading secret file: open ${source}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`);
      }
    }
    const engine = await ctx.engine();
    ctx.out(`${await engine.secrets.create(name, data, { driver: flags.string('driver'), labels: flags.array('label') })}\n`);
  },
};

import { InvalidArgumentError } from '../../../define/errors.ts';
import type { SaveFormat } from '../../../domain/images/save-archive.ts';
import type { CommandSpec } from '../../command.ts';

const formats = new Set<SaveFormat>(['docker-archive', 'oci-archive', 'oci-dir', 'docker-dir']);

export const command: CommandSpec = {
  use: 'save [options] IMAGE [IMAGE...]',
  short: 'Save image(s) to an archive',
  long: 'Save an image to docker-archive or oci-archive on the local machine. Default is docker-archive.',
  examples: ['skiff save --quiet -o myimage.tar imageID', 'skiff save --format docker-dir -o ubuntu-dir ubuntu', 'skiff save > alpine-all.tar alpine:latest'],
  flags: [
    { name: 'compress', type: 'bool', description: 'Compress tarball image layers when saving to a directory using the \'dir\' transport. (default is same compression type as source)' },
    { name: 'format', type: 'string', default: 'docker-archive', description: 'Save image to oci-archive, oci-dir (directory with oci manifest type), docker-archive, docker-dir (directory with v2s2 manifest type)' },
    { name: 'output', short: 'o', type: 'string', description: 'Write to a specified file (default: stdout, which must be redirected)' },
    { name: 'quiet', short: 'q', type: 'bool', description: 'Suppress the output' },
    { name: 'multi-image-archive', short: 'm', type: 'bool', description: 'Interpret additional arguments as images not tags and create a multi-image-archive (only for docker-archive)' },
    { name: 'uncompressed', type: 'bool', description: 'Accept uncompressed layers when copying OCI images' },
  ],
  async run(ctx, flags, args) {
    if (!args.length) throw new InvalidArgumentError('need at least 1 argument');
    const format = flags.string('format') as SaveFormat;
    if (!formats.has(format)) throw new InvalidArgumentError(`unknown format option "${format}"`);
    if (flags.bool('compress') && format !== 'oci-dir' && format !== 'docker-dir') {
      throw new InvalidArgumentError('--compress can only be set when --format is either \'oci-dir\' or \'docker-dir\'');
    }
    const output = flags.string('output');
    if (!output && process.stdout.isTTY) throw new InvalidArgumentError('refusing to save to terminal. Use -o flag or redirect');
    const multi = flags.bool('multi-image-archive');
    if (multi && format !== 'docker-archive') throw new InvalidArgumentError('multi-image archives are only supported in the docker-archive format');
    if (!multi && args.length > 1 && format !== 'docker-archive') throw new InvalidArgumentError(`${format} does not support saving several images`);
    const engine = await ctx.engine();
    await engine.images.save(args, { format, output, stdout: process.stdout, compress: flags.bool('compress') });
  },
};

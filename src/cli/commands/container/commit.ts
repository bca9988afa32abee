import fs from 'node:fs';
import { InvalidArgumentError } from '../../../define/errors.ts';
import { commitContainer } from '../../../engine/container-ops/commit.ts';
import type { CommandSpec } from '../../command.ts';

export const command: CommandSpec = {
  use: 'commit [options] CONTAINER [IMAGE]',
  short: 'Create new image based on the changed container',
  long: 'Create an image from a container\'s changes. Optionally tags the image created, set the author with the --author flag, set the commit message with the --message flag, and make changes to the instructions with the --change flag.',
  examples: [
    'skiff commit -q --message "committing container to image" reverent_golick image-committed',
    'skiff commit -q --author "firstName lastName" reverent_golick image-committed',
    'skiff commit -q --pause=false containerID image-committed',
    'skiff commit containerID',
  ],
  flags: [
    { name: 'author', short: 'a', type: 'string', description: 'Set the author for the image committed' },
    { name: 'change', short: 'c', type: 'stringArray', description: 'Apply the following possible instructions to the created image (default []): CMD | ENTRYPOINT | ENV | EXPOSE | LABEL | ONBUILD | STOPSIGNAL | USER | VOLUME | WORKDIR' },
    { name: 'format', short: 'f', type: 'string', default: 'oci', description: '`format` of the image manifest and metadata' },
    { name: 'iidfile', type: 'string', description: '`file` to write the image ID to' },
    { name: 'include-volumes', type: 'bool', description: 'Include container volumes as image volumes' },
    { name: 'message', short: 'm', type: 'string', description: 'Set commit message for imported image' },
    { name: 'pause', short: 'p', type: 'bool', description: 'Pause container during commit' },
    { name: 'quiet', short: 'q', type: 'bool', description: 'Suppress output' },
    { name: 'squash', short: 's', type: 'bool', description: 'squash newly built layers into a single new layer' },
  ],
  minArgs: 1,
  maxArgs: 2,
  async run(ctx, flags, args) {
    const format = flags.string('format')!;
    if (format !== 'oci' && format !== 'docker') throw new InvalidArgumentError(`unrecognized image format "${format}"`);
    if (flags.bool('squash')) throw new InvalidArgumentError('--squash is not supported by skiff commit: the container\'s changes are committed as one new layer');
    if (flags.bool('include-volumes')) ctx.warn('--include-volumes is not supported: the container\'s volumes are not added to the image config');
    const message = flags.string('message');
    if (message !== undefined && format === 'oci') {
      ctx.warn(`COMMENT is not supported for OCI image format, comment ${message} will be ignored. Must use \`docker\` format`);
    }
    const engine = await ctx.engine();
    const id = await commitContainer(engine.containers, args[0]!, {
      reference: args[1],
      author: flags.string('author'),
      message,
      changes: flags.array('change'),
      format,
      pause: flags.bool('pause'),
    });
    const iidfile = flags.string('iidfile');
    if (iidfile !== undefined) fs.writeFileSync(iidfile, id);
    ctx.out(`${id}\n`);
  },
};

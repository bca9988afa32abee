import fs from 'node:fs';
import { kubeObjects } from '../../../engine/container-ops/kube.ts';
import type { CommandSpec } from '../../command.ts';
import { toYaml } from '../../format/yaml.ts';
import { skiffVersion } from '../../version.ts';

const header = `# Save the output of this file and use kubectl create -f to import
# it into Kubernetes.
#
# Created with skiff-${skiffVersion}

# NOTE: If you generated this yaml from an unprivileged and rootless podman container on an SELinux
# enabled system, check the podman generate kube man page for steps to follow to ensure that your pod/container
# has the right permissions to access the volumes added.
`;

export const command: CommandSpec = {
  use: 'generate [options] {CONTAINER...|POD...|VOLUME...}',
  short: 'Generate Kubernetes YAML from containers, pods or volumes.',
  long: 'Command generates Kubernetes Pod, Service or PersistentVolumeClaim YAML (v1 specification) from containers, pods or volumes.\n\n  Whether the input is for a container or pod, Podman will always generate the specification as a pod.',
  examples: ['skiff kube generate ctrID', 'skiff kube generate --service ctrID', 'skiff kube generate -f ctr.yaml ctrID'],
  flags: [
    { name: 'filename', short: 'f', type: 'string', description: 'Write output to the specified path' },
    { name: 'service', short: 's', type: 'bool', description: 'Generate YAML for a Kubernetes service object' },
  ],
  minArgs: 1,
  async run(ctx, flags, args) {
    const engine = await ctx.engine();
    const objects = kubeObjects(engine.containers, args, { service: flags.bool('service') });
    // Podman ends the last document with an empty line
    const text = `${header}${objects.map((o) => `---\n${toYaml(o)}`).join('')}\n`;
    const file = flags.string('filename');
    if (file === undefined) ctx.out(text);
    else fs.writeFileSync(file, text, { mode: 0o644 });
  },
};

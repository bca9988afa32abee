// kube generate (and generate kube): the Pod YAML Podman 4.3.1 prints for the same containers
// (taken from it, with skiff as the tool's name), a Service with -s, -f to a file.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SkiffEnv } from '../helpers/skiff.ts';
import { IMAGE, containerSkip, loadBusybox } from './container-test-helpers.ts';

const header = `# Save the output of this file and use kubectl create -f to import
# it into Kubernetes.
#
# Created with skiff-0.1.0

# NOTE: If you generated this yaml from an unprivileged and rootless podman container on an SELinux
# enabled system, check the podman generate kube man page for steps to follow to ensure that your pod/container
# has the right permissions to access the volumes added.
`;

const webPod = `apiVersion: v1
kind: Pod
metadata:
  annotations:
    io.kubernetes.cri-o.TTY/kweb: "false"
    io.podman.annotations.autoremove/kweb: "FALSE"
    io.podman.annotations.init/kweb: "FALSE"
    io.podman.annotations.privileged/kweb: "FALSE"
    io.podman.annotations.publish-all/kweb: "FALSE"
  creationTimestamp: "TIME"
  labels:
    app: kweb-pod
  name: kweb-pod
spec:
  automountServiceAccountToken: false
  containers:
  - command:
    - httpd
    - -f
    - -p
    - "80"
    env:
    - name: FOO
      value: bar
    image: localhost/busybox:latest
    name: kweb
    ports:
    - containerPort: 80
      hostPort: 8080
    securityContext:
      capabilities:
        drop:
        - CAP_MKNOD
        - CAP_NET_RAW
        - CAP_AUDIT_WRITE
    volumeMounts:
    - mountPath: /data
      name: tmp-host-0
      readOnly: true
    workingDir: /srv
  enableServiceLinks: false
  volumes:
  - hostPath:
      path: /tmp
      type: Directory
    name: tmp-host-0
`;

const timeless = (text: string) => text.replace(/creationTimestamp: "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"/g, 'creationTimestamp: "TIME"');

describe('kube generate', { skip: containerSkip }, () => {
  const env = new SkiffEnv();
  const dir = mkdtempSync(join(tmpdir(), 'skiff-kube-'));
  before(async () => {
    await loadBusybox(env);
    await env.runOk(['create', '--name', 'kweb', '-e', 'FOO=bar', '-p', '8080:80', '-l', 'app=web', '-v', '/tmp:/data:ro', '-w', '/srv', IMAGE, 'httpd', '-f', '-p', '80']);
    await env.runOk(['create', '--name', 'k2', '--restart', 'always', '-u', '1000:1000', '--cap-add', 'NET_ADMIN', '--cap-drop', 'CHOWN', '-v', 'myvol:/v', '--hostname', 'hh', '--memory', '64m', '--entrypoint', '/bin/sh', IMAGE, '-c', 'sleep 1']);
  });
  after(() => {
    env.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  test("a container's Pod, as Podman writes it; generate kube says the same", async () => {
    const out = await env.runOk(['kube', 'generate', 'kweb']);
    assert.equal(timeless(out), `${header}---\n${webPod}\n`);
    assert.equal(timeless(await env.runOk(['generate', 'kube', 'kweb'])), timeless(out));
  });

  test('entrypoint and arguments, user, capabilities added and dropped, limits, a named volume, the hostname', async () => {
    const out = timeless(await env.runOk(['kube', 'generate', 'k2']));
    assert.ok(
      out.includes(`  containers:
  - args:
    - -c
    - sleep 1
    command:
    - /bin/sh
    env:
    - name: HOSTNAME
      value: hh
    image: localhost/busybox:latest
    name: k2
    resources:
      limits:
        memory: 64Mi
    securityContext:
      capabilities:
        add:
        - CAP_NET_ADMIN
        drop:
        - CAP_CHOWN
        - CAP_MKNOD
        - CAP_NET_RAW
        - CAP_AUDIT_WRITE
      runAsGroup: 1000
      runAsUser: 1000
    volumeMounts:
    - mountPath: /v
      name: myvol-pvc
  enableServiceLinks: false
  hostname: hh
  volumes:
  - name: myvol-pvc
    persistentVolumeClaim:
      claimName: myvol
`),
      out,
    );
  });

  test('-s adds a NodePort Service; several containers make one pod; -f writes the file', async () => {
    const file = join(dir, 'pod.yaml');
    assert.equal(await env.runOk(['kube', 'generate', '-s', '-f', file, 'kweb', 'k2']), '');
    const text = timeless(readFileSync(file, 'utf8'));
    const docs = text.split('---\n');
    assert.equal(docs.length, 3);
    assert.match(docs[1]!, /^apiVersion: v1\nkind: Service\nmetadata:\n  creationTimestamp: "TIME"\n  labels:\n    app: kweb-pod\n  name: kweb-pod\nspec:\n  ports:\n  - name: "80"\n    nodePort: 3\d{4}\n    port: 80\n    targetPort: 80\n  selector:\n    app: kweb-pod\n  type: NodePort\n$/);
    assert.match(docs[2]!, /^apiVersion: v1\nkind: Pod\n/);
    assert.deepEqual([...docs[2]!.matchAll(/^ {2}- (?:args|command):|^ {4}name: (k\w+)$/gm)].map((m) => m[1]).filter(Boolean), ['kweb', 'k2']);
  });

  test('an unknown container is an error', async () => {
    const r = await env.run(['kube', 'generate', 'nosuch']);
    assert.deepEqual([r.code, r.stdout, r.stderr], [125, '', 'Error: name or ID "nosuch" not found\n']);
  });
});

// auto-update against a real registry: a container started by a unit (PODMAN_SYSTEMD_UNIT in
// skiff's environment, as `generate systemd` units set it) is checked with --dry-run, then
// updated when a new image is pushed under its name; the unit's restart goes to a stand-in
// systemctl on PATH (no systemd on these machines), which also plays a failed restart for the
// rollback. The `local` policy compares with the store.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ociLayout } from '../helpers/fixtures.ts';
import { TestRegistry } from '../helpers/registry.ts';
import { SkiffEnv } from '../helpers/skiff.ts';
import { containerSkip } from './container-test-helpers.ts';

describe('auto-update', { skip: containerSkip }, () => {
  const env = new SkiffEnv();
  const stubs = mkdtempSync(join(tmpdir(), 'skiff-systemctl-'));
  const calls = join(stubs, 'calls');
  const failOnce = join(stubs, 'fail-once');
  let registry: TestRegistry;
  let image = '';
  const withUnit = (unit: string) => ({ env: { PODMAN_SYSTEMD_UNIT: unit, PATH: `${stubs}:${process.env['PATH']}` } });
  const update = (args: string[]) => env.run(['auto-update', ...args], { env: { PATH: `${stubs}:${process.env['PATH']}` } });
  /** A new image under `image`'s name in the registry: the running one's content plus a file. */
  const pushNewImage = async (marker: string) => {
    const id = (await env.runOk(['create', image, 'true'])).trim();
    await env.runOk(['cp', '-', `${id}:/`], { input: tarOf(marker) });
    await env.runOk(['commit', '-q', id, `localhost/next:${marker}`]);
    await env.runOk(['rm', id]);
    await env.runOk(['push', '--tls-verify=false', `localhost/next:${marker}`, image]);
  };

  before(async () => {
    registry = await TestRegistry.start();
    await registry.seed(`oci:${await ociLayout()}:busybox:latest`, 'app:latest');
    image = `${registry.host}/app:latest`;
    env.writeConfig('registries', `[[registry]]\nlocation = "${registry.host}"\ninsecure = true\n`);
    writeFileSync(join(stubs, 'systemctl'), `#!/bin/sh\necho "$@" >> "${calls}"\nif [ -e "${failOnce}" ]; then rm -f "${failOnce}"; exit 1; fi\n`);
    chmodSync(join(stubs, 'systemctl'), 0o755);
  });
  after(async () => {
    await env.run(['rm', '-f', '-a', '-t', '0']);
    env.cleanup();
    await registry.stop();
    rmSync(stubs, { recursive: true, force: true });
  });

  test('registry: false while the registry has the same image, pending on a dry run, then pulled and the unit restarted', async () => {
    const id = (await env.runOk(['run', '-d', '--name', 'app', '--network', 'none', '-l', 'io.containers.autoupdate=registry', image, 'sleep', '300'], withUnit('container-app.service'))).trim();
    assert.equal(await env.runOk(['inspect', '--format', '{{index .Config.Labels "PODMAN_SYSTEMD_UNIT"}}', 'app']), 'container-app.service\n');
    const row = (updated: string) => `container-app.service  ${id.slice(0, 12)} (app)  ${image}  registry    ${updated}\n`;
    const header = 'UNIT                   CONTAINER           IMAGE' + ' '.repeat(image.length - 3) + 'POLICY      UPDATED\n';
    assert.equal(await env.runOk(['auto-update', '--dry-run']), header + row('false'));
    await pushNewImage('v2');
    const before = (await env.runOk(['image', 'inspect', '--format', '{{.Id}}', image])).trim();
    assert.equal((await update(['--dry-run', '--format', '{{.Image}} {{.Updated}}'])).stdout, `${image} pending\n`);
    assert.ok(!existsSync(calls), 'a dry run restarts nothing');
    const r = await update([]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, header + row('true'));
    assert.equal(readFileSync(calls, 'utf8'), 'restart container-app.service\n');
    assert.notEqual((await env.runOk(['image', 'inspect', '--format', '{{.Id}}', image])).trim(), before);
    // the unit would now run a container of the new image; this one still runs the old
    rmSync(calls);
  });

  test('a failed restart rolls back: the name goes back to the old image and the unit is restarted again', async () => {
    await env.runOk(['rm', '-f', '-t', '0', 'app']);
    const id = (await env.runOk(['run', '-d', '--name', 'app2', '--network', 'none', '-l', 'io.containers.autoupdate=registry', image, 'sleep', '300'], withUnit('container-app2.service'))).trim();
    const running = (await env.runOk(['inspect', '--format', '{{.Image}}', id])).trim();
    await pushNewImage('v3');
    writeFileSync(failOnce, '');
    const r = await update(['--format', '{{.Unit}} {{.Updated}}']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'container-app2.service rolled back\n');
    assert.equal(readFileSync(calls, 'utf8'), 'restart container-app2.service\nrestart container-app2.service\n');
    assert.equal((await env.runOk(['image', 'inspect', '--format', '{{.Id}}', image])).trim(), running);
    rmSync(calls);
    await env.runOk(['rm', '-f', '-t', '0', 'app2']);
  });

  test('local: an image of the same name newer in the store; a container without a unit is an error', async () => {
    await env.runOk(['tag', image, 'localhost/loc:1']);
    const id = (await env.runOk(['run', '-d', '--name', 'loc', '--network', 'none', '-l', 'io.containers.autoupdate=local', 'localhost/loc:1', 'sleep', '300'], withUnit('loc.service'))).trim();
    assert.equal((await update(['--dry-run', '--format', '{{.Container}} {{.Policy}} {{.Updated}}'])).stdout, `${id.slice(0, 12)} (loc) local false\n`);
    // the image test 2 pushed and rolled back from: another ID than the one running
    await env.runOk(['tag', 'localhost/next:v3', 'localhost/loc:1']);
    const r = await update(['--format', '{{.Policy}} {{.Updated}}']);
    assert.equal(r.stdout, 'local true\n');
    assert.equal(readFileSync(calls, 'utf8'), 'restart loc.service\n');
    const lone = (await env.runOk(['run', '-d', '--name', 'lone', '--network', 'none', '-l', 'io.containers.autoupdate=registry', image, 'sleep', '300'])).trim();
    const err = await update(['--dry-run']);
    assert.equal(err.code, 125);
    assert.match(err.stderr, new RegExp(`^Error: auto-updating container "${lone}": no PODMAN_SYSTEMD_UNIT label found\\n$`));
  });
});

/** A tar with one file, `marker`, holding its own name. */
function tarOf(marker: string): Buffer {
  const body = Buffer.from(`${marker}\n`);
  const header = Buffer.alloc(512);
  header.write(marker, 0);
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(`${body.length.toString(8).padStart(11, '0')}\0`, 124);
  header.write(`${Math.floor(Date.now() / 1000).toString(8).padStart(11, '0')}\0`, 136);
  header.write('        ', 148);
  header.write('0', 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  const pad = Buffer.alloc((512 - (body.length % 512)) % 512);
  return Buffer.concat([header, body, pad, Buffer.alloc(1024)]);
}

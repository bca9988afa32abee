import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseContainerfile } from './containerfile-parser.ts';
import { applyMetadata, createdBy } from './metadata-step.ts';

function apply(lines: string, vars: Record<string, string> = {}) {
  let cfg = {};
  let author: string | undefined;
  for (const ins of parseContainerfile(`FROM x\n${lines}`).instructions.slice(1)) {
    const r = applyMetadata(ins, cfg, new Map(Object.entries(vars)), '\\');
    cfg = r.config;
    author = r.author ?? author;
  }
  return { cfg, author };
}

test('ENV, LABEL, WORKDIR, USER, EXPOSE, VOLUME, STOPSIGNAL with substitution', () => {
  const { cfg } = apply('ENV A=1 B="two words"\nENV A 3\nLABEL l=$V\nWORKDIR /a\nWORKDIR b\nUSER $V\nEXPOSE 80 53/udp\nVOLUME ["/v"]\nVOLUME /w\nSTOPSIGNAL SIGINT', { V: 'v' });
  assert.deepEqual(cfg, {
    Env: ['B=two words', 'A=3'], Labels: { l: 'v' }, WorkingDir: '/a/b', User: 'v',
    ExposedPorts: { '80/tcp': {}, '53/udp': {} }, Volumes: { '/v': {}, '/w': {} }, StopSignal: 'SIGINT',
  });
});

test('CMD and ENTRYPOINT in both forms, SHELL changing the shell form', () => {
  const { cfg } = apply('CMD ["a", "b"]\nSHELL ["/bin/bash", "-c"]\nENTRYPOINT run it');
  assert.deepEqual(cfg, { Cmd: ['a', 'b'], Shell: ['/bin/bash', '-c'], Entrypoint: ['/bin/bash', '-c', 'run it'] });
  assert.throws(() => apply('SHELL /bin/sh'), /JSON form/);
});

test('HEALTHCHECK, ONBUILD, MAINTAINER', () => {
  const { cfg, author } = apply('HEALTHCHECK --interval=5s --timeout=1m --retries=2 CMD curl -f x\nONBUILD RUN make\nMAINTAINER me');
  assert.deepEqual(cfg, { Healthcheck: { Test: ['CMD-SHELL', 'curl -f x'], Interval: 5e9, Timeout: 60e9, Retries: 2 }, OnBuild: ['RUN make'] });
  assert.equal(author, 'me');
  assert.deepEqual(apply('HEALTHCHECK NONE').cfg, { Healthcheck: { Test: ['NONE'] } });
});

test('history text', () => {
  const [run, env] = parseContainerfile('FROM x\nRUN echo hi\nENV A=1').instructions.slice(1);
  assert.equal(createdBy(run!), '/bin/sh -c echo hi');
  assert.equal(createdBy(env!), '/bin/sh -c #(nop) ENV A=1');
});

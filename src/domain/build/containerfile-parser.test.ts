import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ContainerfileError, parseContainerfile, planStages } from './containerfile-parser.ts';
import { keyValues, processWord, processWords } from './substitute.ts';

test('instructions are case-insensitive, comments and blank lines skipped', () => {
  const p = parseContainerfile('# comment\nfrom busybox\n\n  run echo hi # not a comment\n');
  assert.deepEqual(p.instructions.map((i) => [i.cmd, i.rest, i.line]), [['FROM', 'busybox', 2], ['RUN', 'echo hi # not a comment', 4]]);
});

test('line continuations join lines and skip comment lines inside', () => {
  const p = parseContainerfile('FROM a\nRUN echo a \\\n# inside\n  b \\\n  c\nCMD x');
  assert.equal(p.instructions[1]!.rest, 'echo a   b   c');
  assert.equal(p.instructions[1]!.line, 2);
  assert.equal(p.instructions[2]!.line, 6);
});

test('the escape directive changes the continuation character', () => {
  const p = parseContainerfile('# escape=`\nFROM a\nRUN dir c:\\ `\n  x');
  assert.equal(p.escape, '`');
  assert.deepEqual(p.directives, { escape: '`' });
  assert.equal(p.instructions[1]!.rest, 'dir c:\\   x');
});

test('directives stop at the first other line', () => {
  const p = parseContainerfile('# syntax=docker/dockerfile:1\n# escape=\\\nFROM a\n# escape=`\n');
  assert.deepEqual(p.directives, { syntax: 'docker/dockerfile:1', escape: '\\' });
});

test('JSON form versus shell form', () => {
  const p = parseContainerfile('FROM a\nCMD ["sh", "-c", "echo"]\nENTRYPOINT echo hi\nRUN [not json');
  assert.deepEqual(p.instructions[1]!.json, ['sh', '-c', 'echo']);
  assert.equal(p.instructions[2]!.json, undefined);
  assert.equal(p.instructions[3]!.json, undefined);
});

test('flags are split off COPY, RUN and FROM', () => {
  const p = parseContainerfile('FROM --platform=linux/amd64 a AS b\nCOPY --from=b --chown=1:2 x /y\n');
  assert.deepEqual(p.instructions[0]!.flags, ['--platform=linux/amd64']);
  assert.deepEqual(p.instructions[1]!.flags, ['--from=b', '--chown=1:2']);
  assert.equal(p.instructions[1]!.rest, 'x /y');
});

test('heredocs collect lines up to their delimiter', () => {
  const p = parseContainerfile('FROM a\nRUN <<EOF\necho 1\necho 2\nEOF\nRUN cat <<-"END" > /f\n\thi\n\tEND\nCMD x\n');
  assert.deepEqual(p.instructions[1]!.heredocs, [{ name: 'EOF', content: 'echo 1\necho 2\n' }]);
  assert.deepEqual(p.instructions[2]!.heredocs, [{ name: 'END', content: 'hi\n' }]);
  assert.equal(p.instructions[3]!.cmd, 'CMD');
  assert.throws(() => parseContainerfile('FROM a\nRUN <<EOF\nx\n'), /Containerfile:2: unterminated heredoc EOF/);
});

test('unknown instructions name the file and line', () => {
  assert.throws(() => parseContainerfile('FROM a\n\nfoo bar\n', 'Dockerfile'), (e: unknown) => e instanceof ContainerfileError && e.message === 'Dockerfile:3: unknown instruction: FOO');
});

test('stages: names, global args, errors', () => {
  const plan = planStages(parseContainerfile('ARG V=1\nFROM a:$V AS Build\nRUN x\nFROM scratch\nCOPY --from=build /a /a\n'));
  assert.equal(plan.globalArgs.length, 1);
  assert.deepEqual(plan.stages.map((s) => [s.name, s.base, s.instructions.length]), [['build', 'a:$V', 1], [undefined, 'scratch', 1]]);
  assert.throws(() => planStages(parseContainerfile('RUN x\n')), /Containerfile:1: RUN instruction before FROM/);
  assert.throws(() => planStages(parseContainerfile('FROM a b\n')), /one or three arguments/);
  assert.throws(() => planStages(parseContainerfile('# nothing\n')), /no FROM instruction/);
});

const vars = new Map([['A', 'x'], ['E', ''], ['SP', 'a b']]);

test('variable substitution forms', () => {
  assert.equal(processWord('$A/${A}/${E:-d}/${U:-d}/${A:+alt}/${U:+alt}/$', vars), 'x/x/d/d/alt//$');
  assert.equal(processWord("'$A' \"$A\" \\$A", vars), '$A x $A');
  assert.deepEqual(processWords('$SP "q r" s\\ t', vars), ['a b', 'q r', 's t']);
  assert.throws(() => processWord('${A', vars), /missing '}'/);
});

test('key=value pairs and the legacy form', () => {
  assert.deepEqual(keyValues('a=1 b="two words" c=$A', vars), [['a', '1'], ['b', 'two words'], ['c', 'x']]);
  assert.deepEqual(keyValues('KEY some value $A', vars), [['KEY', 'some value x']]);
  assert.throws(() => keyValues('a=1 =2', vars), /key=value/);
});

test('RUN and COPY options are split off the command, however many and quoted or not', () => {
  const p = parseContainerfile([
    'FROM a',
    'RUN --network=none --mount=type=cache,target=/c \\',
    '    --mount="type=bind,source=src,target=/s" make -C /s',
    'RUN --mount=type=secret,id=tok ["cat", "/run/secrets/tok"]',
    'COPY --link --chown=app:staff --chmod=640 a /b',
  ].join('\n'));
  const [, run, exec, copy] = p.instructions;
  assert.deepEqual(run!.flags, ['--network=none', '--mount=type=cache,target=/c', '--mount="type=bind,source=src,target=/s"']);
  assert.equal(run!.rest, 'make -C /s');
  assert.deepEqual(exec!.json, ['cat', '/run/secrets/tok']);
  assert.deepEqual(copy!.flags, ['--link', '--chown=app:staff', '--chmod=640']);
});

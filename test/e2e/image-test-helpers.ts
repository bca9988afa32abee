/**
 * Small helpers the image e2e tests share: making distinct images with `skiff import`,
 * loading the fixture archives, and reading Podman-style tables back into cells.
 */
import assert from 'node:assert/strict';
import { busyboxRootfsTar, multiImageDockerArchive } from '../helpers/fixtures.ts';
import type { SkiffEnv } from '../helpers/skiff.ts';

/** Imports the fixture rootfs as `name`; a label makes each image (and its ID) distinct. Returns the full ID. */
export async function importImage(env: SkiffEnv, name: string, ...changes: string[]): Promise<string> {
  const args = ['import', '-q', '--change', `LABEL skiff.test.name=${name}`];
  for (const c of changes) args.push('--change', c);
  const out = await env.runOk([...args, await busyboxRootfsTar(), name]);
  const id = out.trim().replace(/^sha256:/, '');
  assert.match(id, /^[0-9a-f]{64}$/);
  return id;
}

/** Loads localhost/busybox:latest and its child localhost/second:latest (one more layer). */
export async function loadTwoImages(env: SkiffEnv): Promise<void> {
  await env.runOk(['load', '-i', await multiImageDockerArchive()]);
}

export async function imageId(env: SkiffEnv, name: string): Promise<string> {
  return (await env.runOk(['image', 'inspect', '--format', '{{.Id}}', name])).trim();
}

export interface Table {
  header: string[];
  rows: string[][];
}

/**
 * Splits a tabwriter table into cells by the header's column starts, checking that every
 * row is aligned to them (each cell starts right after two or more spaces).
 */
export function parseTable(text: string): Table {
  assert.ok(text.endsWith('\n'), `table output ends with a newline: ${JSON.stringify(text)}`);
  const [headerLine, ...lines] = text.slice(0, -1).split('\n');
  const starts: number[] = [];
  const header: string[] = [];
  for (const m of headerLine!.matchAll(/\S+(?: \S+)*/g)) {
    starts.push(m.index);
    header.push(m[0]);
  }
  const rows = lines.map((line) =>
    starts.map((start, i) => {
      if (i > 0) assert.match(line.slice(start - 2, start), /^ {2}$/, `row not aligned with the header:\n${headerLine}\n${line}`);
      assert.notEqual(line[start], ' ', `row not aligned with the header:\n${headerLine}\n${line}`);
      const end = i + 1 < starts.length ? starts[i + 1] : undefined;
      return line.slice(start, end).trimEnd();
    }),
  );
  return { header, rows };
}

/** A CREATED cell: go-units' HumanDuration and " ago". */
export const agoPattern = /^(Less than a second|1 second|\d+ seconds|About a minute|\d+ minutes|About an hour|\d+ hours|\d+ days|\d+ weeks|\d+ months|\d+ years) ago$/;
/** A SIZE cell of `images` and `history`: three significant digits and a space. */
export const sizePattern = /^\d+(\.\d+)? [kMGT]?B$/;

/**
 * Test helper: runs the real `bin/iopath.mjs` in a child Node process, as a user's shell
 * would, so CLI tests cover argument parsing, exit codes and stdout/stderr together.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** The repository root (tests resolve fixtures and the bin from it). */
export const ROOT = new URL('../../', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/iopath.mjs');

export function iopath(...args: string[]): {
  code: number | null;
  stdout: string;
  stderr: string;
} {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// `npm test`: typecheck → lint → unit → e2e, stopping at the first failure.
import { spawnSync } from 'node:child_process';

const stages = [
  ['typecheck', 'npx', ['tsc', '-b']],
  ['lint', 'npx', ['eslint', '.', '--max-warnings=0']],
  ['format', 'npx', ['prettier', '--check', '.', '--log-level', 'warn']],
  ['unit', 'npx', ['vitest', 'run']],
  ['e2e', 'node', ['scripts/e2e.mjs']],
];
for (const [name, cmd, args] of stages) {
  const t0 = process.hrtime.bigint();
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) {
    console.error(`\n=== ${name} FAILED (exit ${r.status}) after ${secs.toFixed(1)} s`);
    process.exit(r.status ?? 1);
  }
  console.log(`=== ${name} ok (${secs.toFixed(1)} s)`);
}

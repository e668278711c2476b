/**
 * `iopath run … --osd-dumps DIR`: write each simulated OSD's `osd.N.dump_historic_ops.json`
 * (the shape `ceph daemon osd.N dump_historic_ops` prints) after the run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cephOsdDumps } from '../engine/index.ts';
import { RUN_EXTENSIONS } from './run.ts';
import { UsageError } from './usage.ts';

RUN_EXTENSIONS.push({
  option: 'osd-dumps',
  after(dir, { runner }) {
    const dumps = cephOsdDumps(runner.world);
    if (!dumps) throw new UsageError('--osd-dumps: the scenario has no Ceph ops');
    mkdirSync(dir, { recursive: true });
    for (const [name, dump] of Object.entries(dumps)) {
      writeFileSync(
        join(dir, `${name}.dump_historic_ops.json`),
        JSON.stringify(dump, null, 1) + '\n',
      );
    }
  },
});

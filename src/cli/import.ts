/**
 * `iopath import FILE… [--out OUT.json]`: turn real-system dumps (Ceph `dump_historic_ops`)
 * into an `iopath.trace/1` file. The converter comes with the Ceph system; until then the
 * command says so and exits 2.
 */
import { UsageError } from './usage.ts';

export function importCommand(_argv: string[]): number {
  throw new UsageError(
    'import: not yet supported (comes with the Ceph dump_historic_ops importer)',
  );
}

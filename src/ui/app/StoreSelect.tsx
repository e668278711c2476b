/**
 * Settings control: where the scenario's simulated SCM/NVMe devices keep their bytes — `auto`
 * (the worker picks OPFS → IndexedDB → memory), or one kind. OPFS and IndexedDB survive a
 * reload (and lock the devices to this tab); memory does not. Changing it reloads the current
 * scenario on the new store. Next to it, the indicator says which store the loaded scenario
 * actually runs on, whether it was picked automatically, and how the devices' previous
 * session ended (the catalog's last clean shutdown; unclean → recovery ran).
 */
import { useApp, type StorageInfo } from '../state/store.ts';
import {
  parseStorePref,
  STORE_LABEL,
  STORE_PREF_LABEL,
  type StorePref,
} from '../state/storagePreference.ts';

export function StoreSelect() {
  const pref = useApp((s) => s.storePref);
  const setPref = useApp((s) => s.setStorePref);
  const source = useApp((s) => s.source);
  const load = useApp((s) => s.load);
  return (
    <span className="store-control">
      <label className="store-select" title="Where the simulated devices keep their bytes">
        <span className="sr-only">Device store</span>
        <select
          className="btn"
          aria-label="Device store"
          value={pref}
          onChange={(e) => {
            const kind = parseStorePref(e.target.value);
            if (!kind) return;
            setPref(kind);
            if (source && source.kind !== 'trace' && source.kind !== 'traceFile') load(source);
          }}
        >
          {(['auto', 'memory', 'opfs', 'idb'] as StorePref[]).map((k) => (
            <option key={k} value={k}>
              {`store: ${STORE_PREF_LABEL[k]}`}
            </option>
          ))}
        </select>
      </label>
      <StoreIndicator />
    </span>
  );
}

/** Which store the loaded scenario runs on (`data-store` for tests and styling). */
export function StoreIndicator() {
  const st = useApp((s) => s.storage);
  const pref = useApp((s) => s.storePref);
  const kind = st?.kind ?? 'memory';
  const auto = st ? st.auto === true : pref === 'auto';
  const shutdown = shutdownText(st);
  const recovered = st?.previous?.clean === false;
  const title = [
    `Devices on ${STORE_LABEL[kind]}${auto ? ' (picked automatically)' : ''}`,
    kind === 'memory' ? 'nothing persists across a reload' : `${st?.devices ?? 0} device images`,
    shutdown,
    ...(st?.notes ?? []),
  ]
    .filter(Boolean)
    .join('\n');
  return (
    <span
      className={recovered ? 'store-indicator is-recovered' : 'store-indicator'}
      data-testid="store-indicator"
      data-store={kind}
      data-store-auto={auto ? 'true' : 'false'}
      data-shutdown={st?.previous ? (st.previous.clean ? 'clean' : 'unclean') : 'new'}
      title={title}
    >
      {STORE_LABEL[kind]}
      {auto ? ' (auto)' : ''}
      {shutdown ? ` · ${shutdown}` : ''}
    </span>
  );
}

function shutdownText(st: StorageInfo | null): string {
  const p = st?.previous;
  if (!st || st.kind === 'memory' || p === undefined) return '';
  if (p === null) return 'new devices';
  if (!p.clean) return 'unclean shutdown: recovered';
  return p.lastCleanShutdown === null
    ? 'clean shutdown'
    : `last clean shutdown ${new Date(p.lastCleanShutdown).toLocaleString()}`;
}

/** " · on OPFS (8 devices)" for the status bar, or "" when nothing persists. */
export function useStorageStatus(): string {
  const st = useApp((s) => s.storage);
  if (!st || st.kind === 'memory') return '';
  return ` · on ${STORE_LABEL[st.kind]} (${st.devices} devices)`;
}

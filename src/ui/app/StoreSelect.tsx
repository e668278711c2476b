/**
 * Settings control: where the scenario's simulated SCM/NVMe devices keep their bytes. OPFS and
 * IndexedDB survive a reload (and lock the devices to this tab); memory does not. Changing it
 * reloads the current scenario on the new store.
 */
import { useApp } from '../state/store.ts';
import { parseStore, STORE_LABEL, type StoreKind } from '../state/storagePreference.ts';

export function StoreSelect() {
  const pref = useApp((s) => s.storePref);
  const setPref = useApp((s) => s.setStorePref);
  const source = useApp((s) => s.source);
  const load = useApp((s) => s.load);
  return (
    <label className="store-select" title="Where the simulated devices keep their bytes">
      <span className="sr-only">Device store</span>
      <select
        className="btn"
        aria-label="Device store"
        value={pref}
        onChange={(e) => {
          const kind = parseStore(e.target.value);
          if (!kind) return;
          setPref(kind);
          if (source && source.kind !== 'trace') load(source);
        }}
      >
        {(['memory', 'opfs', 'idb'] as StoreKind[]).map((k) => (
          <option key={k} value={k}>
            {`store: ${STORE_LABEL[k]}`}
          </option>
        ))}
      </select>
    </label>
  );
}

/** " · on OPFS (8 devices)" for the status bar, or "" when nothing persists. */
export function useStorageStatus(): string {
  const st = useApp((s) => s.storage);
  if (!st) return '';
  return ` · on ${STORE_LABEL[st.kind]} (${st.devices} devices)`;
}

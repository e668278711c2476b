import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { saveStoragePreference, storagePreference } from './storagePreference.ts';

/** Unit tests run in Node: a Map stands in for the page's localStorage. */
function fakeLocalStorage(): Storage {
  const m = new Map<string, string>();
  return {
    get length() {
      return m.size;
    },
    clear: () => m.clear(),
    getItem: (k) => m.get(k) ?? null,
    key: (i) => [...m.keys()][i] ?? null,
    removeItem: (k) => void m.delete(k),
    setItem: (k, v) => void m.set(k, String(v)),
  };
}

describe('storagePreference', () => {
  beforeEach(() => {
    Object.defineProperty(globalThis, 'localStorage', {
      value: fakeLocalStorage(),
      configurable: true,
    });
  });
  afterEach(() => {
    Reflect.deleteProperty(globalThis, 'localStorage');
  });

  it('the landing page runs on the auto store', () => {
    expect(storagePreference('')).toBe('auto');
    expect(storagePreference('?step=4')).toBe('auto');
  });

  it('a link naming a scenario replays on memory (one exact trace per link)', () => {
    expect(storagePreference('?scenario=daos-key-sv&step=5')).toBe('memory');
  });

  it('an explicit choice wins: the URL first, then the saved setting', () => {
    expect(storagePreference('?scenario=daos-key-sv&store=opfs')).toBe('opfs');
    expect(storagePreference('?store=auto&scenario=x')).toBe('auto');
    saveStoragePreference('idb');
    expect(storagePreference('?scenario=daos-key-sv')).toBe('idb');
    expect(storagePreference('?scenario=daos-key-sv&store=memory')).toBe('memory');
  });

  it('an embed stays on memory unless its URL says otherwise', () => {
    saveStoragePreference('opfs');
    expect(storagePreference('?embed=1')).toBe('memory');
    expect(storagePreference('?embed=1&store=idb')).toBe('idb');
  });
});

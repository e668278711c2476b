/**
 * The app on persistent device stores (issue #3 item 5), in a PERSISTENT Chromium profile (the
 * default Playwright context is off-the-record: OPFS and IndexedDB would live in memory).
 * - `?store=opfs`: a scenario updates a value; reload with a fetch-only scenario whose fetch is
 *   conditional (DAOS_COND_DKEY_FETCH: -DER_NONEXIST when the dkey is absent) → rc 0, the
 *   data is there. On `?store=memory` the same fetch is -1005 (the check can fail).
 * - the same with `?store=idb`;
 * - a second tab while the first holds the devices: "in use by another tab", nothing runs.
 * - Ceph: a rados_write_full on `?store=opfs` / `idb`, reload with a read-only scenario → the
 *   rados_read exit is rc 0 (the OSDs mounted their kept block devices); on memory -2 (ENOENT).
 * - a `?scenario=` link without `store=` runs on memory (one exact trace per link); the landing
 *   page and `store=auto`: the app picks OPFS by itself (the indicator says "OPFS (auto)"); leaving the
 *   page records a clean shutdown in the catalog, the next load shows it; a second tab on auto
 *   runs on memory and says why.
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { appSite, persistentBrowser, type PersistentBrowser } from './persistent.ts';

let browser: PersistentBrowser | undefined;
let ctx: BrowserContext;
let base = '';

const SETUP = [
  { op: 'daos_pool_connect', pool: 'tank' },
  { op: 'daos_cont_create', pool: 'tank', cont: 'c' },
  { op: 'daos_cont_open', pool: 'tank', cont: 'c' },
  {
    op: 'daos_obj_generate_oid',
    cont: 'c',
    otype: 'DAOS_OT_MULTI_HASHED',
    oclass: 'OC_S1',
    as: 'o',
  },
  { op: 'daos_obj_open', obj: 'o', mode: 'DAOS_OO_RW' },
];
const IOD = { akey: 'a', type: 'DAOS_IOD_SINGLE', size: 9 };
const doc = (title: string, ops: object[]) =>
  JSON.stringify({
    schema: 'iopath.scenario/1',
    title,
    seed: 4,
    cluster: {
      daos: { engines: 1, targets_per_engine: 1, scm_bytes: 2 << 20, nvme_bytes: 1 << 20 },
    },
    ops: [...SETUP, ...ops],
  });
const UPDATE = doc('store-update', [
  { op: 'daos_obj_update', obj: 'o', dkey: 'd', iods: [IOD], data: [{ utf8: 'persisted' }] },
]);
const FETCH = doc('store-fetch', [
  { op: 'daos_obj_fetch', obj: 'o', dkey: 'd', iods: [IOD], flags: ['DAOS_COND_DKEY_FETCH'] },
]);

const cephDoc = (title: string, ops: object[]) =>
  JSON.stringify({
    schema: 'iopath.scenario/1',
    title,
    seed: 4,
    cluster: {
      ceph: {
        crush_map: { hosts: 3, osds_per_host: 1 },
        pools: [{ name: 'p', size: 3, min_size: 2, pg_num: 8 }],
      },
    },
    ops,
  });
const CEPH_WRITE = cephDoc('ceph-write', [
  { op: 'rados_write_full', pool: 'p', oid: 'a', value: { utf8: 'osd bytes' } },
]);
const CEPH_READ = cephDoc('ceph-read', [{ op: 'rados_read', pool: 'p', oid: 'a', len: 9 }]);

const url = (store: string | null, scenario: string) =>
  `${base}?${store ? `store=${store}&` : ''}scenario=${encodeURIComponent(scenario)}`;

/** The rc of the client's daos_obj_fetch exit, read from the (filtered) event log. */
async function fetchRc(page: Page, step = 'daos_obj_fetch'): Promise<string> {
  await page.locator('[data-view-tab="events"]').click();
  const log = page.locator('[data-view="events"]');
  await log.locator('input[type="search"]').fill(step);
  const exit = log.locator('.ev-scroll .ev-row', { hasText: 'exit' });
  await expect(exit.first()).toBeVisible();
  return ((await exit.last().locator('.ev-rc').textContent()) ?? '').trim();
}

async function loaded(page: Page, name: string, store: string | null) {
  const status = page.locator('.topbar .status');
  await expect(status).toContainText(`${name} ·`, { timeout: 30_000 });
  if (store) await expect(status).toContainText(`on ${store}`);
  else await expect(status).not.toContainText(' on ');
}

test.beforeAll(async () => {
  test.setTimeout(180_000);
  browser = await persistentBrowser('iopath-e2e-app-storage-', appSite);
  ({ ctx, base } = browser);
});

test.afterAll(async () => {
  await browser?.close();
});

test('memory: the conditional fetch finds nothing (-1005)', async () => {
  const page = await ctx.newPage();
  await page.goto(url('memory', FETCH));
  await loaded(page, 'store-fetch', null);
  expect(await fetchRc(page)).toBe('-1005');
  await page.close();
});

for (const [kind, label] of [
  ['opfs', 'OPFS'],
  ['idb', 'IndexedDB'],
] as const) {
  test(`${kind}: write through the app, reload, the data is there`, async () => {
    const page = await ctx.newPage();
    await page.goto(url(kind, UPDATE));
    await loaded(page, 'store-update', label);
    await page.goto(url(kind, FETCH)); // a reload: new worker, devices reopened
    await loaded(page, 'store-fetch', label);
    expect(await fetchRc(page)).toBe('0');
    await page.close();
  });
}

test('ceph on memory: the read finds nothing (-2)', async () => {
  const page = await ctx.newPage();
  await page.goto(url('memory', CEPH_READ));
  await loaded(page, 'ceph-read', null);
  expect(await fetchRc(page, 'rados_read')).toBe('-2');
  await page.close();
});

for (const [kind, label] of [
  ['opfs', 'OPFS'],
  ['idb', 'IndexedDB'],
] as const) {
  test(`ceph ${kind}: the OSDs keep their block devices across a reload`, async () => {
    const page = await ctx.newPage();
    await page.goto(url(kind, CEPH_WRITE));
    await loaded(page, 'ceph-write', label);
    await page.goto(url(kind, CEPH_READ)); // a reload: new worker, OSD devices reopened
    await loaded(page, 'ceph-read', label);
    expect(await fetchRc(page, 'rados_read')).toBe('0');
    await page.close();
  });
}

test('a second tab gets "in use by another tab"', async () => {
  const a = await ctx.newPage();
  await a.goto(url('opfs', FETCH));
  await loaded(a, 'store-fetch', 'OPFS');
  const b = await ctx.newPage();
  await b.goto(url('opfs', FETCH));
  await expect(b.getByTestId('error-banner')).toContainText('in use by another tab', {
    timeout: 30_000,
  });
  await a.close();
  await b.close();
});

test('auto: OPFS picked by itself; a clean shutdown is recorded; a second tab runs on memory', async () => {
  const AUTO = doc('store-auto', [
    { op: 'daos_obj_update', obj: 'o', dkey: 'auto', iods: [IOD], data: [{ utf8: 'automatic' }] },
  ]);
  // A link naming a scenario replays one exact trace: memory unless a store is chosen.
  const link = await ctx.newPage();
  await link.goto(url(null, AUTO));
  await loaded(link, 'store-auto', null);
  await expect(link.getByLabel('Device store')).toHaveValue('memory');
  await link.close();
  // The landing page (no ?scenario=) runs on the store the browser picks.
  const landing = await ctx.newPage();
  await landing.goto(base);
  await expect(landing.getByTestId('store-indicator')).toHaveAttribute('data-store', 'opfs', {
    timeout: 30_000,
  });
  await expect(landing.getByLabel('Device store')).toHaveValue('auto');
  await landing.close();
  const a = await ctx.newPage();
  await a.goto(url('auto', AUTO));
  await loaded(a, 'store-auto', 'OPFS');
  const ind = a.getByTestId('store-indicator');
  await expect(ind).toHaveAttribute('data-store', 'opfs');
  await expect(ind).toHaveAttribute('data-store-auto', 'true');
  await expect(a.getByLabel('Device store')).toHaveValue('auto');
  // A second tab on auto while the first holds the devices: memory, with the reason.
  const b = await ctx.newPage();
  await b.goto(url('auto', AUTO));
  await loaded(b, 'store-auto', null);
  const indB = b.getByTestId('store-indicator');
  await expect(indB).toHaveAttribute('data-store', 'memory');
  await expect(indB).toHaveAttribute('title', /in use by another tab/);
  await b.close();
  // Switching the first tab to memory closes its devices cleanly (flushed, catalog: clean
  // shutdown); the next load on auto says when. (Leaving the page asks the same on pagehide,
  // best effort: a tab the browser kills first reads as unclean and its pools run recovery.)
  await a.getByLabel('Device store').selectOption('memory');
  await expect(ind).toHaveAttribute('data-store', 'memory');
  await expect(ind).toHaveAttribute('data-store-auto', 'false');
  const c = await ctx.newPage();
  await c.goto(url('auto', FETCH));
  await loaded(c, 'store-fetch', 'OPFS');
  await expect(c.getByTestId('store-indicator')).toHaveAttribute('data-shutdown', 'clean');
  await expect(c.getByTestId('store-indicator')).toContainText('last clean shutdown');
  await c.close();
  await a.close();
});

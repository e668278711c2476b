/**
 * Saved scenarios and traces (issue #3 item 5: "IndexedDB also holds the catalog … saved
 * scenarios and traces"), in a PERSISTENT Chromium profile (the default Playwright context is
 * off-the-record: IndexedDB would live in memory and a reload would prove nothing).
 * Save the loaded scenario from the Saved tab, reload on another scenario, the item is still
 * listed; Open runs it (its title in the status); the Shift+S command saves too; Delete
 * removes it and it stays gone after a reload.
 * The app is served from IOPATH_E2E_DIST when that build exists (scripts/e2e.mjs with
 * IOPATH_SKIP_BUILD), else built here into a temporary folder; its own server, own profile.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { appSite, persistentBrowser, type PersistentBrowser } from './persistent.ts';

let browser: PersistentBrowser | undefined;
let ctx: BrowserContext;
let base = '';

const doc = (title: string) =>
  JSON.stringify({
    schema: 'iopath.scenario/1',
    title,
    seed: 7,
    cluster: {
      daos: { engines: 1, targets_per_engine: 1, scm_bytes: 2 << 20, nvme_bytes: 1 << 20 },
    },
    ops: [
      { op: 'daos_pool_connect', pool: 'tank' },
      { op: 'daos_cont_create', pool: 'tank', cont: 'c' },
    ],
  });

const url = (title: string) => `${base}?store=memory&scenario=${encodeURIComponent(doc(title))}`;

async function loaded(page: Page, name: string) {
  await expect(page.locator('.topbar .status')).toContainText(`${name} ·`, { timeout: 30_000 });
}

async function savedTab(page: Page) {
  await page.locator('[data-view-tab="saved"]').click();
  return page.locator('[data-view="saved"]');
}

test.beforeAll(async () => {
  test.setTimeout(180_000);
  browser = await persistentBrowser('iopath-e2e-saved-', appSite);
  ({ ctx, base } = browser);
});

test.afterAll(async () => {
  await browser?.close();
});

test('save a scenario, reload, open it from the list, delete it', async () => {
  const page = await ctx.newPage();
  await page.goto(url('saved-alpha'));
  await loaded(page, 'saved-alpha');
  let panel = await savedTab(page);
  await expect(panel.getByTestId('saved-list')).toContainText('none yet');
  await panel.getByRole('button', { name: 'Save the current scenario in this browser' }).click();
  const item = (p: typeof panel) =>
    p.locator('[data-saved-kind="scenario"]', { hasText: 'saved-alpha' });
  await expect(item(panel)).toHaveCount(1);
  await expect(item(panel)).toContainText('scenario · daos ·');

  // A reload on another scenario: the saved item is still there (IndexedDB, not memory).
  await page.goto(url('saved-beta'));
  await loaded(page, 'saved-beta');
  panel = await savedTab(page);
  await expect(item(panel)).toHaveCount(1);
  await item(panel).getByRole('button', { name: 'Open scenario saved-alpha' }).click();
  await loaded(page, 'saved-alpha');
  await expect(page.locator('.topbar .status')).toContainText('events');

  // The command registry entry (Shift+S) saves what is loaded as well.
  await page.locator('.topbar .status').click();
  await page.keyboard.press('Shift+S');
  await expect(item(panel)).toHaveCount(2);

  for (let n = 2; n > 0; n--) {
    await item(panel).first().getByRole('button', { name: 'Delete scenario saved-alpha' }).click();
    await expect(item(panel)).toHaveCount(n - 1);
  }
  await expect(panel.getByTestId('saved-list')).toContainText('none yet');
  await page.reload(); // Open dropped ?scenario=: the landing scenario loads
  await expect(page.locator('.topbar .status')).toHaveAttribute('data-status', 'ready', {
    timeout: 30_000,
  });
  panel = await savedTab(page);
  await expect(panel.getByTestId('saved-list')).toContainText('none yet');
  await page.close();
});

test('save the trace, export it as a file, replay it from the list', async () => {
  const page = await ctx.newPage();
  await page.goto(url('saved-gamma'));
  await loaded(page, 'saved-gamma');
  const status = page.locator('.topbar .status');
  const events = ((await status.textContent()) ?? '').match(/(\d+) events/)?.[1];
  expect(Number(events)).toBeGreaterThan(0);
  const panel = await savedTab(page);
  await panel.getByRole('button', { name: 'Save the current trace in this browser' }).click();
  const item = panel.locator('[data-saved-kind="trace"]', { hasText: 'saved-gamma' });
  await expect(item).toHaveCount(1);
  const dl = page.waitForEvent('download');
  await item.getByRole('button', { name: 'Export trace saved-gamma as a file' }).click();
  const file = await dl;
  expect(file.suggestedFilename()).toBe('saved-gamma.trace.json');
  const text = readFileSync(await file.path(), 'utf8');
  expect(JSON.parse(text)).toMatchObject({
    schema: 'iopath.trace/1',
    scenario: { title: 'saved-gamma' },
  });
  await page.goto(url('saved-delta'));
  await loaded(page, 'saved-delta');
  const again = await savedTab(page);
  await again
    .locator('[data-saved-kind="trace"]', { hasText: 'saved-gamma' })
    .getByRole('button', { name: 'Open trace saved-gamma' })
    .click();
  // A replayed trace has the same events as the run it was saved from.
  await expect(status).toContainText(` ${events} events`, { timeout: 30_000 });
  await expect(status).not.toContainText('saved-delta');
  await page.close();
});

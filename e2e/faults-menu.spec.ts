/**
 * Faults from the views and the palette (issue 7 item 7): right-click an OSD in the placement
 * view, an actor in the sequence diagram or a step/lane of the flow diagram to kill or restart
 * it; partition two actors and arm a power cut at a step from the Faults palette. Each fault is
 * one appended op: the expected positions come from the engine run in Node on the same
 * documents plus that op.
 */
import { getBuiltinScenario, runScenario, type OpDoc } from '../src/engine/index.ts';
import { current, expect, test, waitForCursor } from './fixtures.ts';
import type { Page } from '@playwright/test';

const daos = getBuiltinScenario('daos-key-sv')!;
const daosEvents = runScenario(daos).events;
const ceph = getBuiltinScenario('ceph-rados-put-get')!;
const cephEvents = runScenario(ceph).events;

/** The whole scenario has streamed in and the cursor is at k (the machine may be slow). */
async function waitLoaded(page: Page, k: number, n: number) {
  await expect(page.getByTestId('position')).toHaveText(`${k} / ${n - 1}`, { timeout: 30_000 });
}

/** After the op ran, the cursor sits on its first event (position "N / total-1"). */
async function expectAppended(page: Page, doc: typeof daos, before: number, op: OpDoc) {
  const after = runScenario({ ...doc, ops: [...doc.ops, op] }).events;
  expect(after.length).toBeGreaterThan(before);
  await expect(page.getByTestId('position')).toHaveText(`${before} / ${after.length - 1}`);
  expect(await current(page)).toEqual({
    step: after[before]!.step,
    pipeline: after[before]!.pipeline,
  });
}

test('right-click an OSD in the placement view kills it', async ({ page, errors }) => {
  const N = cephEvents.length;
  await page.goto(`/?scenario=ceph-rados-put-get&step=${N - 1}`);
  await waitLoaded(page, N - 1, N);
  await page.locator('[data-view-tab="placement"]').click();
  const osd = page.locator('[data-view="placement"] .pm-osd[data-osd="1"]').first();
  await osd.click({ button: 'right' });
  const menu = page.getByTestId('fault-menu');
  await expect(menu).toBeVisible();
  await expect(menu).toHaveAttribute('aria-label', 'Faults for osd.1');
  await expect(menu.locator('[role="menuitem"]')).toHaveText([
    'Kill osd.1',
    'Restart osd.1',
    'Drop the next message to osd.1',
    'Partition osd.1 ↔ client',
    'Partition osd.1 ↔ osd.0',
    'Partition osd.1 ↔ osd.2',
  ]);
  // The first item has the focus (keyboard users go on from there).
  await expect(menu.locator('[data-fault="fault_kill_osd"]')).toBeFocused();
  await menu.locator('[data-fault="fault_kill_osd"]').click();
  await expect(menu).toHaveCount(0);
  await page.locator('[data-view-tab="flow"]').click();
  await expectAppended(page, ceph, N, { op: 'fault_kill_osd', osd: 1 });
  expect(errors).toEqual([]);
});

test('right-click an actor in the sequence diagram: keyboard in the menu, Escape closes, restart', async ({
  page,
}) => {
  const N = daosEvents.length;
  await page.goto(`/?scenario=daos-key-sv&step=${N - 1}`);
  await waitLoaded(page, N - 1, N);
  await page.locator('[data-view-tab="sequence"]').click();
  const actor = page.locator('[data-view="sequence"] .sq-actor[data-actor^="engine"]').first();
  const name = (await actor.getAttribute('data-actor')) ?? '';
  expect(name).toMatch(/^engine\d+\.tgt\d+$/);
  await actor.locator('text').click({ button: 'right' });
  const menu = page.getByTestId('fault-menu');
  await expect(menu).toBeVisible();
  const items = menu.locator('[role="menuitem"]');
  await expect(items.first()).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(items.nth(1)).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(menu).toHaveCount(0);
  await waitForCursor(page, N - 1); // Escape ran nothing

  await actor.locator('text').click({ button: 'right' });
  await menu.locator('[role="menuitem"]', { hasText: `Restart ${name}` }).click();
  await page.locator('[data-view-tab="flow"]').click();
  await expectAppended(page, daos, N, { op: 'restart', target: name });
});

test('right-click a step of the flow diagram offers the actors of its lane', async ({ page }) => {
  const N = daosEvents.length;
  const k = daosEvents.findIndex((e) => e.step === 'vos_update_begin');
  const actor = daosEvents[k]!.actor;
  await page.goto(`/?scenario=daos-key-sv&step=${k}`);
  await waitLoaded(page, k, N);
  await page
    .locator('[data-view="flow"] [data-step="vos_update_begin"]')
    .click({ button: 'right' });
  const menu = page.getByTestId('fault-menu');
  await expect(menu).toBeVisible();
  const kill = menu.locator('[data-fault="fault_kill_target"]', { hasText: `Kill ${actor}` });
  await expect(kill).toHaveCount(1);
  // A click elsewhere closes the menu without running anything.
  await page.locator('[data-view="flow"] .flow-head h2').click();
  await expect(menu).toHaveCount(0);
  await page
    .locator('[data-view="flow"] [data-step="vos_update_begin"]')
    .click({ button: 'right' });
  await kill.click();
  await expectAppended(page, daos, N, { op: 'fault_kill_target', target: actor });
});

test('partition two actors from the palette', async ({ page }) => {
  const N = daosEvents.length;
  await page.goto('/?scenario=daos-key-sv');
  await waitLoaded(page, 0, N);
  await page.locator('[data-view-tab="faults"]').click();
  await page.getByTestId('partition-a').selectOption('client');
  await page.getByTestId('partition-b').selectOption('engine0.tgt1');
  const btn = page.locator('[data-fault="fault_partition"]');
  await expect(btn).toHaveText(/Partition client ↔ engine0\.tgt1/);
  await btn.click();
  await expectAppended(page, daos, N, {
    op: 'fault_partition',
    between: ['client', 'engine0.tgt1'],
  });
  expect((await current(page)).step).toBe('fault_partition');
});

test('power cut at a step from the palette', async ({ page }) => {
  const N = daosEvents.length;
  await page.goto('/?scenario=daos-key-sv');
  await waitLoaded(page, 0, N);
  await page.locator('[data-view-tab="faults"]').click();
  await page.getByTestId('fault-actor').selectOption('engine0.tgt2');
  await page.getByTestId('fault-step').selectOption('vos_update_end');
  const btn = page.locator('[data-fault-kind="power-cut-at"]');
  await expect(btn).toHaveText(/Power cut engine0\.tgt2 at vos_update_end/);
  await btn.click();
  await expectAppended(page, daos, N, {
    op: 'fault_power_cut',
    target: 'engine0.tgt2',
    at_step: 'vos_update_end',
  });
  await page.locator('[data-view-tab="inspector"]').click();
  await expect(page.locator('[data-view="inspector"]')).toContainText('vos_update_end');
});

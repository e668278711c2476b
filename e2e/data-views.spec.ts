/**
 * The trace-derived views (sequence, scm, nvme, vos-tree, evtree, placement, pglog): each tab
 * shows its `data-view` container, with data where the trace has some and a helpful empty
 * state where it has none. Screenshots of every view land in test-results/ (look at them).
 */
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { getBuiltinScenario, runScenario } from '../src/engine/index.ts';
import { expect, test, waitForCursor } from './fixtures.ts';

type View = 'sequence' | 'scm' | 'nvme' | 'vos-tree' | 'evtree' | 'placement' | 'pglog';

async function show(page: Page, name: View) {
  await page.locator(`[data-view-tab="${name}"]`).click();
  const v = page.locator(`[data-view="${name}"]`);
  await expect(v).toBeVisible();
  return v;
}

/** Move the cursor to the n-th event of `step` through the event log (like a user would). */
async function gotoStep(page: Page, step: string, n: number): Promise<number> {
  await page.locator('[data-view-tab="events"]').click();
  await page.locator('[data-view="events"] input').first().fill(step);
  const row = page.locator('[data-view="events"] .ev-row').nth(n);
  await expect(row).toContainText(step); // the filter applies on a deferred render
  const k = Number(await row.locator('.ev-seq').textContent());
  await row.click();
  await waitForCursor(page, k);
  return k;
}

async function shot(page: Page, file: string) {
  await page.screenshot({ path: test.info().outputPath(file) });
}

/** Views with data show no empty note; the others explain what would fill them. */
async function expectData(page: Page, name: View, hasData: boolean) {
  const v = await show(page, name);
  if (hasData) {
    await expect(v.locator('[data-empty]')).toHaveCount(0);
    await expect(v.locator('.dv-body')).not.toBeEmpty();
  } else {
    await expect(v.locator('[data-empty]')).toContainText('Try', { ignoreCase: true });
  }
  return v;
}

test('DAOS scenario: sequence arrows seek, SCM map and VOS tree of the real target, DTX table', async ({
  page,
}) => {
  const { events } = runScenario(getBuiltinScenario('daos-key-sv'));
  // the reply of the second update has arrived at the client
  const k = events.findIndex((e, i) => i > 300 && e.step === 'dc_rw_cb');
  await page.goto(`/?scenario=daos-key-sv&step=${k}`);
  await waitForCursor(page, k);

  const seq = await expectData(page, 'sequence', true);
  const arrows = seq.locator('[data-seq-msg]');
  expect(await arrows.count()).toBeGreaterThan(1);
  await shot(page, 'sequence.png');
  // click an arrow: the cursor moves to its send event
  const sendAt = Number(await arrows.first().getAttribute('data-seq-msg'));
  await arrows.first().dispatchEvent('click');
  await waitForCursor(page, sendAt);
  await page.goto(`/?scenario=daos-key-sv&step=${k}`);
  await waitForCursor(page, k);

  const scm = await expectData(page, 'scm', true);
  await expect(scm.locator('canvas.bm-canvas')).toBeVisible();
  await expect(scm.locator('.dv-stats')).toContainText('.scm');
  await shot(page, 'scm-daos.png');

  const tree = await expectData(page, 'vos-tree', true);
  await expect(tree.locator('.vt-node.k-dkey').first()).toContainText('dkey_');
  await shot(page, 'vos-tree-daos.png');

  const logs = await expectData(page, 'pglog', true);
  await expect(logs.locator('section[aria-label="DTX table"] tbody tr').first()).toBeVisible();
  await shot(page, 'pglog-dtx.png');

  await expectData(page, 'placement', false);
  await shot(page, 'placement-empty.png');
});

test('VOS trace file: SCM map with owners, NVMe blocks, VOS tree, evtree', async ({ page }) => {
  const events = JSON.parse(
    readFileSync(new URL('../src/ui/derive/__fixtures__/vos-trace.json', import.meta.url), 'utf8'),
  ) as { step: string; phase: string }[];
  await page.goto('/?scenario=daos-key-sv&step=0');
  await waitForCursor(page, 0);
  await page.getByTestId('import-file').setInputFiles({
    name: 'vos-trace.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify({ schema: 'iopath.trace/1', scenario: null, events })),
  });
  await expect(page.getByTestId('position')).toHaveText(new RegExp(`/ ${events.length - 1}$`));
  // land inside the array update at epoch 22 (its evt_insert)
  const k = events.findLastIndex((e) => e.step === 'evt_insert' && e.phase === 'enter');
  await page.locator('[data-view-tab="events"]').click();
  await page.locator('[data-view="events"] input').first().fill('evt_insert');
  await page
    .locator('[data-view="events"] .ev-row', {
      has: page.locator('.ev-seq', { hasText: new RegExp(`^${k}$`) }),
    })
    .click();
  await waitForCursor(page, k);

  const scm = await expectData(page, 'scm', true);
  const canvas = scm.locator('canvas.bm-canvas');
  await expect(canvas).toBeVisible();
  await expect(scm.locator('.dv-legend')).toContainText('durable');
  // hover a line of the first row: the tooltip names its offset
  await canvas.hover({ position: { x: 3, y: 3 } });
  await expect(scm.locator('.dv-tip')).toContainText('line');
  await shot(page, 'scm.png');
  // dark theme: cells are repainted from the theme's colours
  const theme = await page.locator('html').getAttribute('data-theme');
  await page.keyboard.press('t');
  await expect(page.locator('html')).not.toHaveAttribute('data-theme', theme ?? '');
  await page.waitForTimeout(100); // the map repaints on the next animation frame
  await shot(page, 'scm-other-theme.png');
  await page.keyboard.press('t');

  const nvme = await expectData(page, 'nvme', true);
  await expect(nvme.locator('canvas.bm-canvas')).toBeVisible();
  await shot(page, 'nvme.png');

  const tree = await expectData(page, 'vos-tree', true);
  await expect(tree.locator('.vt-node.k-dkey')).toHaveCount(7);
  await expect(tree.locator('.vt-node.is-path.k-akey')).toContainText('arr');
  await shot(page, 'vos-tree.png');

  const ev = await expectData(page, 'evtree', true);
  await expect(ev.locator('svg.ev-plot .ev-ext.is-hidden')).toHaveCount(2);
  // at the newest epoch the second extent covers [50, …]; [0, 49] of the first stays visible
  await expect(ev.locator('svg.ev-plot .ev-ext.is-visible')).toHaveCount(2);
  await shot(page, 'evtree.png');
});

test('Ceph scenario: placement path, PG log, replication in the sequence, BlueStore blocks', async ({
  page,
}) => {
  const doc = {
    schema: 'iopath.scenario/1',
    seed: 1,
    cluster: {
      ceph: {
        crush_map: { hosts: 3, osds_per_host: 1 },
        pools: [{ name: 'rbd', size: 3, min_size: 2, pg_num: 8 }],
      },
    },
    ops: [
      { op: 'rados_write_full', pool: 'rbd', oid: 'foo', value: { utf8: 'hello' } },
      {
        op: 'rados_write',
        pool: 'rbd',
        oid: 'bar',
        offset: 0,
        value: { fill: 'random', len: 6000 },
      },
    ],
  };
  await page.goto(`/?scenario=${encodeURIComponent(JSON.stringify(doc))}&step=0`);
  await waitForCursor(page, 0);
  // the primary has all replica commits of the first write
  await gotoStep(page, 'repop_all_committed', 0);

  const pl = await expectData(page, 'placement', true);
  await expect(pl.locator('.pm-path')).toContainText('1.6');
  await expect(pl.locator('.pm-osd.is-acting')).toHaveCount(3);
  await shot(page, 'placement.png');

  const logs = await expectData(page, 'pglog', true);
  await expect(logs.locator('section[aria-label="PG log"] tbody tr')).toHaveCount(3);
  await shot(page, 'pglog-ceph.png');

  const seq = await expectData(page, 'sequence', true);
  await expect(seq.locator('[data-seq-msg]')).not.toHaveCount(0);
  await shot(page, 'sequence-ceph.png');

  await expectData(page, 'nvme', true);
  await shot(page, 'nvme-bluestore.png');
});

test('SCM map taller than the view: the canvas stays screen-sized and paints what is scrolled to', async ({
  page,
  errors,
}) => {
  await page.goto('/?scenario=daos-replicated&step=2000');
  await waitForCursor(page, 2000);
  const scm = await show(page, 'scm');
  await expect(scm).toHaveAttribute('data-cursor', '2000');
  const body = scm.locator('.dv-body');
  const canvas = scm.locator('canvas.bm-canvas');
  await expect(canvas).toBeVisible();
  const dims = await body.evaluate((b) => ({ sh: b.scrollHeight, ch: b.clientHeight }));
  // The map is taller than the view (otherwise this test shows nothing).
  expect(dims.sh).toBeGreaterThan(dims.ch + 100);
  const ch = await canvas.evaluate((c) => (c as HTMLCanvasElement).height);
  expect(ch).toBeLessThanOrEqual(dims.ch);
  // Hover the first line, then scroll to the end: the canvas shows the map's last rows, and
  // hovering reports lines from there (the map's tail holds the durable VOS records).
  let box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + 3, box.y + 3);
  await expect(scm.locator('.dv-tip')).toContainText(/line 0 ·/);
  await body.evaluate((b) => (b.scrollTop = b.scrollHeight));
  box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + 3, box.y + box.height - 12);
  const tip = scm.locator('.dv-tip');
  await expect(tip).toContainText('durable');
  const line = Number(/line (\d+)/.exec((await tip.textContent()) ?? '')?.[1]);
  expect(line).toBeGreaterThan(10_000);
  await shot(page, 'scm-scrolled-to-end.png');
  expect(errors).toEqual([]);
});

/**
 * Ceph network faults from the views (issue 7 item 7): partition an OSD from both of its peers
 * from the Faults palette — the second partition waits for the heal — and the trace shows the
 * messages lost at the cut (msg.drop), the markdown by two reporters, "wrongly marked me down"
 * and the boot; right-clicking an OSD offers a partition from each Ceph peer. The expected
 * positions come from the engine run in Node on the same document plus the appended ops.
 */
import { getBuiltinScenario, runScenario, type OpDoc } from '../src/engine/index.ts';
import { expect, test, waitForCursor } from './fixtures.ts';
import type { Page } from '@playwright/test';

const doc = getBuiltinScenario('ceph-rados-put-get')!;
const N = runScenario(doc).events.length;
const P1: OpDoc = { op: 'fault_partition', between: ['osd.1', 'osd.0'] };
const P2: OpDoc = { op: 'fault_partition', between: ['osd.1', 'osd.2'], wait: true };
const after1 = runScenario({ ...doc, ops: [...doc.ops, P1] }).events;
const after2 = runScenario({ ...doc, ops: [...doc.ops, P1, P2] }).events;

/** Move the cursor to event `k` through the event log filtered by its step. */
async function gotoEvent(page: Page, k: number) {
  const step = after2[k]!.step;
  await page.locator('[data-view-tab="events"]').click();
  await page.locator('[data-view="events"] input').first().fill(step);
  await page
    .locator('[data-view="events"] .ev-row', {
      has: page.locator('.ev-seq', { hasText: new RegExp(`^${k}$`) }),
    })
    .click();
  await waitForCursor(page, k);
}

test('partition osd.1 from both peers from the palette: drops, markdown, boot', async ({
  page,
  errors,
}) => {
  await page.goto('/?scenario=ceph-rados-put-get');
  await expect(page.getByTestId('position')).toHaveText(`0 / ${N - 1}`, { timeout: 30_000 });
  await page.locator('[data-view-tab="faults"]').click();
  // The Ceph ends: the client and the OSDs of the trace.
  await expect(page.getByTestId('partition-a').locator('option')).toHaveText([
    'client',
    'osd.0',
    'osd.1',
    'osd.2',
  ]);
  await page.getByTestId('partition-a').selectOption('osd.1');
  await page.getByTestId('partition-b').selectOption('osd.0');
  const btn = page.locator('[data-view="faults"] [data-fault="fault_partition"]');
  await expect(btn).toHaveText(/Partition osd\.1 ↔ osd\.0$/);
  await btn.click();
  await expect(page.getByTestId('position')).toHaveText(`${N} / ${after1.length - 1}`);

  await page.getByTestId('partition-b').selectOption('osd.2');
  await page.getByTestId('partition-wait').check();
  await expect(btn).toHaveText(/Partition osd\.1 ↔ osd\.2 and wait for the heal/);
  await page.screenshot({ path: test.info().outputPath('ceph-faults-palette.png') });
  await btn.click();
  await expect(page.getByTestId('position')).toHaveText(`${after1.length} / ${after2.length - 1}`, {
    timeout: 60_000,
  });

  // A message lost at the cut: the inspector shows its msg.drop effect.
  const drop = after2.findIndex((e) => (e.effects ?? []).some((f) => f.kind === 'msg.drop'));
  expect(drop).toBeGreaterThanOrEqual(N);
  await gotoEvent(page, drop);
  await page.locator('[data-view-tab="inspector"]').click();
  const inspector = page.locator('[data-view="inspector"]');
  await expect(inspector).toContainText('msg.drop');
  await expect(inspector).toContainText('partition');

  // The monitor marks osd.1 down (two reporters), then up again after its boot.
  const maps = after2.flatMap((e, i) => (e.step === 'OSDMonitor::update_from_paxos' ? [i] : []));
  expect(maps.map((i) => (after2[i]!.data as { why: string }).why)).toEqual([
    expect.stringMatching(/^osd\.1 failed \(2 reporters/),
    'osd.1 boot',
  ]);
  await gotoEvent(page, maps[0]!);
  await page.locator('[data-view-tab="inspector"]').click();
  await expect(inspector).toContainText('osd.1 failed');
  const wrong = after2.findIndex((e) => e.step === '_committed_osd_maps');
  await gotoEvent(page, wrong);
  await page.locator('[data-view-tab="inspector"]').click();
  await expect(inspector).toContainText('wrongly marked me down');
  expect(errors).toEqual([]);
});

test('right-click an OSD: partitions from its Ceph peers', async ({ page }) => {
  await page.goto(`/?scenario=ceph-rados-put-get&step=${N - 1}`);
  await expect(page.getByTestId('position')).toHaveText(`${N - 1} / ${N - 1}`, {
    timeout: 30_000,
  });
  await page.locator('[data-view-tab="placement"]').click();
  await page
    .locator('[data-view="placement"] .pm-osd[data-osd="2"]')
    .first()
    .click({ button: 'right' });
  const menu = page.getByTestId('fault-menu');
  await expect(menu.locator('[role="menuitem"]')).toHaveText([
    'Kill osd.2',
    'Restart osd.2',
    'Drop the next message to osd.2',
    'Partition osd.2 ↔ client',
    'Partition osd.2 ↔ osd.0',
    'Partition osd.2 ↔ osd.1',
  ]);
  await menu.locator('[role="menuitem"]', { hasText: 'Partition osd.2 ↔ client' }).click();
  const op: OpDoc = { op: 'fault_partition', between: ['osd.2', 'client'] };
  const after = runScenario({ ...doc, ops: [...doc.ops, op] }).events;
  await expect(page.getByTestId('position')).toHaveText(`${N} / ${after.length - 1}`);
});

test('the sequence diagram draws held messages (↻) and lost ones (✕) of ceph-partition', async ({
  page,
  errors,
}) => {
  const events = runScenario(getBuiltinScenario('ceph-partition')!).events;
  const drops = (pred: (f: Record<string, unknown>) => boolean) =>
    events.findIndex((e) => (e.effects ?? []).some((f) => f.kind === 'msg.drop' && pred(f)));
  const held = drops((f) => f.reason === 'partition');
  const discarded = drops((f) => f.count !== undefined);
  expect(held).toBeGreaterThan(0);
  expect(discarded).toBeGreaterThan(held);

  await page.goto(`/?scenario=ceph-partition&step=${held}`);
  await waitForCursor(page, held);
  await page.locator('[data-view-tab="sequence"]').click();
  const seq = page.locator('[data-view="sequence"]');
  await expect(seq).toHaveAttribute('data-cursor', String(held));
  // Held in the socket by the cut: drawn dash-dotted, labelled "↻ resent", said in its name.
  const late = seq.locator('[data-fault="late"]');
  await expect(late.first()).toBeVisible();
  await expect(late.first()).toHaveAttribute('aria-label', /delayed: partition/);
  await expect(seq.locator('[data-fault="lost"]')).toHaveCount(0);

  // osd.1 is marked down: what its connections still carried is lost, drawn with a cross.
  await page.goto(`/?scenario=ceph-partition&step=${discarded}`);
  await waitForCursor(page, discarded);
  await page.locator('[data-view-tab="sequence"]').click();
  await expect(seq).toHaveAttribute('data-cursor', String(discarded));
  const lost = seq.locator('[data-fault="lost"]');
  await expect(lost.first()).toBeVisible();
  await expect(lost.first()).toHaveAttribute('aria-label', /lost: (mark_down|partition)/);
  await expect(seq.locator('.sq-lost-cross').first()).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('sequence-lost-messages.png') });
  expect(errors).toEqual([]);
});

/**
 * Importing real Ceph dumps through the page's file input: the primary's and both replicas'
 * dump_historic_ops (picked together) draw the ceph.write steps in order with the real times;
 * a bad dump shows the JSON path of its first problem; exports download.
 */
import { readFileSync } from 'node:fs';
import { test, expect, waitForCursor, current } from './fixtures.ts';

const FX = new URL('../src/engine/import/__fixtures__/', import.meta.url);
const file = (name: string) => ({
  name,
  mimeType: 'application/json',
  buffer: readFileSync(new URL(name, FX)),
});

test('three OSD dumps → the replicated write, steps in order with real durations', async ({
  page,
}) => {
  await page.goto('/?scenario=ceph-rbd-write');
  await waitForCursor(page, 0);
  await page
    .getByTestId('import-file')
    .setInputFiles([file('put4k.osd.2.json'), file('put4k.osd.1.json'), file('put4k.osd.0.json')]);
  await expect(page.getByTestId('position')).toHaveText('0 / 24');
  const seen: string[] = [];
  for (let i = 0; i < 25; i++) {
    if (i > 0) {
      await page.keyboard.press('ArrowRight');
      await waitForCursor(page, i);
    }
    const c = await current(page);
    expect(c.pipeline).toBe('ceph.write');
    if (seen[seen.length - 1] !== c.step) seen.push(c.step);
    if (i === 5) {
      // issue_op: "waiting for subops from 0,1", 255 µs after the first stamp (real time).
      expect(c.step).toBe('issue_op');
      await expect(page.locator('.caption-panel')).toContainText('255');
      await page.screenshot({ path: 'test-results/import-issue-op.png' });
    }
  }
  expect(seen.slice(0, 6)).toEqual([
    'ms_fast_dispatch',
    'enqueue_op',
    'dequeue_op',
    'execute_ctx',
    'issue_op',
    'ms_fast_dispatch',
  ]);
  expect(seen[seen.length - 1]).toBe('osd_op_reply');
  await expect(page.locator('.caption-panel')).toContainText('osd.2');

  // Chrome trace export downloads and parses as trace-event JSON.
  await page.getByTestId('export-menu').click();
  const [dl] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('[data-export="chrome"]').click(),
  ]);
  const text = readFileSync(await dl.path(), 'utf8');
  const doc = JSON.parse(text) as { traceEvents: { ph: string; name: string }[] };
  expect(doc.traceEvents.some((e) => e.ph === 'X' && e.name === 'osd_op_reply')).toBe(true);
});

test('a broken dump names the JSON path; the app keeps running', async ({ page }) => {
  await page.goto('/?scenario=ceph-rbd-write&step=3');
  await waitForCursor(page, 3);
  const bad =
    '{"size":20,"ops":[{"description":"osd_op(x)","type_data":{"events":[{"event":"initiated","time":"soon"}]}}]}';
  await page
    .getByTestId('import-file')
    .setInputFiles({ name: 'osd.7.json', mimeType: 'application/json', buffer: Buffer.from(bad) });
  await expect(page.getByTestId('error-banner')).toContainText('ops[0].type_data.events[0].time');
  await waitForCursor(page, 3);
});

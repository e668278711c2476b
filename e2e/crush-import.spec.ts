/**
 * A `crushtool -d` text map through the page's file input: the worker compiles it and the
 * placement view draws its hierarchy (issue 8, item 7b).
 */
import { readFileSync } from 'node:fs';
import { test, expect, waitForCursor } from './fixtures.ts';

const MAP = new URL('../src/engine/ceph/__fixtures__/generated/classes10.txt', import.meta.url);

test('crushtool -d text → placement view shows its hosts and OSDs', async ({ page }) => {
  await page.goto('/?scenario=ceph-rbd-write');
  await waitForCursor(page, 0);
  await page
    .getByTestId('import-file')
    .setInputFiles({ name: 'crush.txt', mimeType: 'text/plain', buffer: readFileSync(MAP) });
  await expect(page.getByTestId('position')).toHaveText('0 / 0');
  await page.locator('[data-view-tab="placement"]').click();
  for (const host of ['a', 'b', 'c', 'd'])
    await expect(
      page.locator('.pm-bucket', { hasText: new RegExp(`^host ${host}\\b`) }),
    ).toHaveCount(1);
  await expect(page.locator('.pm-osd')).toHaveCount(10);
});

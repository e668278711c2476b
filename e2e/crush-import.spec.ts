/**
 * A `crushtool -d` text map through the page's file input: the worker compiles it, the
 * placement view draws its hierarchy and the PG → OSD table of a pool over it (issue 8, item
 * 7b); changing the pool (size, pg_num, rule) maps again. The rows are checked against
 * crushtool's own output (src/worker/__fixtures__/crush-pg, see its README).
 */
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { test, expect, waitForCursor } from './fixtures.ts';

const MAP = new URL('../src/engine/ceph/__fixtures__/generated/classes10.txt', import.meta.url);
const VEC = new URL('../src/worker/__fixtures__/crush-pg/', import.meta.url);

/** crushtool --show-mappings rows as the table prints them: pgid, up, acting, primary. */
function crushtoolRows(file: string, n: number): string[][] {
  return readFileSync(new URL(file, VEC), 'utf8')
    .trim()
    .split('\n')
    .slice(0, n)
    .map((l) => {
      const m = /^CRUSH rule \d+ x (\d+) \[([\d,]*)\]$/.exec(l)!;
      const osds = m[2]!;
      return [
        `1.${Number(m[1]).toString(16)}`,
        `[${osds}]`,
        `[${osds}]`,
        `osd.${osds.split(',')[0]}`,
      ];
    });
}

async function pgRows(page: Page): Promise<string[][]> {
  return page
    .locator('[data-view="placement"] table.dv-table tbody tr')
    .evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 4).map((td) => td.textContent ?? '')),
    );
}

const byPg = (rows: string[][]) =>
  [...rows].sort((a, b) => parseInt(a[0]!.slice(2), 16) - parseInt(b[0]!.slice(2), 16));

test('crushtool -d text → placement view shows its hosts, OSDs and PG mappings', async ({
  page,
  errors,
}) => {
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

  // Default pool: size 3, pg_num 32, rule 0 — crushtool's x = 0…31 with --pool-id 1.
  await expect(page.getByText('PG → OSDs · 32')).toBeVisible();
  expect(byPg(await pgRows(page))).toEqual(
    crushtoolRows('classes10_pool1_rule0_size3_pg64.txt', 32),
  );

  // Another pool: rule 1 (ssd class), size 2.
  await page.getByTestId('crush-pool-size').fill('2');
  await page.getByTestId('crush-pool-rule').selectOption('1');
  await page.getByTestId('crush-pool-apply').click();
  await expect(page.getByTestId('crush-pool-size')).toHaveValue('2');
  await expect(page.locator('.caption-panel')).toContainText('rule 1 ssd');
  expect(byPg(await pgRows(page))).toEqual(
    crushtoolRows('classes10_pool1_rule1_size2_pg32.txt', 32),
  );
  await page.screenshot({ path: 'test-results/crush-import-pgs.png' });

  // pg_num 64 with rule 0 again: 64 rows.
  await page.getByTestId('crush-pool-size').fill('3');
  await page.getByTestId('crush-pool-pgnum').fill('64');
  await page.getByTestId('crush-pool-rule').selectOption('0');
  await page.getByTestId('crush-pool-apply').click();
  await expect(page.getByText('PG → OSDs · 64')).toBeVisible();
  expect(byPg(await pgRows(page))).toEqual(
    crushtoolRows('classes10_pool1_rule0_size3_pg64.txt', 64),
  );
  expect(errors).toEqual([]);
});

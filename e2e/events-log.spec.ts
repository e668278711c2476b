/**
 * The event log follows the cursor without re-rendering its rows (issue 7): a step moves the
 * highlight (class and aria-selected) from one row element to the next — the row elements
 * themselves are the same DOM nodes before and after — and a step past the band scrolls.
 */
import { getBuiltinScenario, runScenario } from '../src/engine/index.ts';
import { cursorOf, expect, test, waitForCursor } from './fixtures.ts';

const { events } = runScenario(getBuiltinScenario('daos-key-sv'));

test('a step moves the event log highlight, not its rows', async ({ page, errors }) => {
  await page.goto('/?scenario=daos-key-sv&step=0');
  await waitForCursor(page, 0);
  await page.locator('[data-view-tab="events"]').click();
  const log = page.locator('[data-view="events"]');
  const row = (i: number) => log.locator(`.ev-row[data-index="${i}"]`);
  await row(3).click();
  await waitForCursor(page, 3);
  await expect(row(3)).toHaveAttribute('aria-selected', 'true');
  await expect(row(3)).toHaveClass(/is-cursor/);

  // Tag the rows in the DOM: a re-render by key would keep them too, but a remount would not;
  // the tag on row 4 proves the highlight reached the same element.
  await log.locator('.ev-row').evaluateAll((els) => {
    for (const el of els) (el as HTMLElement & { tag?: number }).tag = 1;
  });
  await page.keyboard.press('ArrowRight');
  await waitForCursor(page, 4);
  await expect(row(4)).toHaveAttribute('aria-selected', 'true');
  await expect(row(4)).toHaveClass(/is-cursor/);
  await expect(row(3)).toHaveAttribute('aria-selected', 'false');
  await expect(row(3)).not.toHaveClass(/is-cursor/);
  expect(await row(4).evaluate((el) => (el as HTMLElement & { tag?: number }).tag)).toBe(1);
  await expect(log.locator('.ev-row.is-cursor')).toHaveCount(1);

  // A jump far away scrolls the log and the new band comes out highlighted.
  const far = Math.min(events.length - 1, 400);
  await page.goto(`/?scenario=daos-key-sv&step=${far}`);
  await waitForCursor(page, far);
  await page.locator('[data-view-tab="events"]').click();
  await expect(row(far)).toHaveAttribute('aria-selected', 'true');
  await expect(row(far)).toBeInViewport();
  for (let k = 0; k < 30; k++) await page.keyboard.press('ArrowRight');
  await waitForCursor(page, Math.min(events.length - 1, far + 30));
  const at = await cursorOf(page);
  await expect(row(at)).toHaveAttribute('aria-selected', 'true');
  await expect(row(at)).toBeInViewport();
  await expect(log.locator('.ev-row.is-cursor')).toHaveCount(1);
  await page.screenshot({ path: test.info().outputPath('events-log.png') });
  expect(errors).toEqual([]);
});

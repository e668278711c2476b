/**
 * The built-in walkthroughs with inline or fault scenarios open in the page (the worker runs
 * their scenario) and present every stop with its caption, in order.
 */
import { test, expect } from './fixtures.ts';
import { BUILTIN_WALKTHROUGHS } from '../src/ui/walkthrough/builtins/index.ts';

/** The caption as the page shows it: emphasis marks gone. */
const plain = (s: string): string => s.replace(/\*\*|\*|`/g, '');

for (const name of ['scm-or-nvme', 'replicated-dtx', 'power-cut', 'replica-dies']) {
  test(`built-in walkthrough ${name} presents all its stops`, async ({ page }) => {
    const w = BUILTIN_WALKTHROUGHS[name]!;
    await page.goto('/?scenario=daos-key-sv');
    // A click while the app is still booting can be lost: click until the tab is shown.
    await expect(async () => {
      await page.locator('[data-view-tab="walkthrough"]').click();
      await expect(page.locator('[data-view="walkthrough"]')).toBeVisible({ timeout: 1000 });
    }).toPass({ timeout: 30_000 });
    await page.locator(`[data-wt-present="${name}"]`).click();
    const n = w.stops.length;
    for (let i = 0; i < n; i++) {
      if (i > 0) await page.keyboard.press('ArrowRight');
      await expect(page.getByTestId('presenter-progress')).toHaveText(`${i + 1} / ${n}`);
      // The first stop waits for the walkthrough's scenario to run (seconds on a busy machine).
      await expect(page.getByTestId('presenter-caption')).toContainText(
        plain(w.stops[i]!.caption).slice(0, 40),
        { timeout: i === 0 ? 60_000 : 5_000 },
      );
    }
  });
}

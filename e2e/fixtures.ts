/**
 * Shared e2e helpers: a page fixture that fails the test on any console error or uncaught
 * exception, and readers for the contract-3 hooks (data-step / aria-current / position).
 */
import { test as base, expect, type Page } from '@playwright/test';

export const test = base.extend<{ errors: string[] }>({
  // These specs test the views against the engine's trace, so they run on memory devices
  // (the settings choice, as a user would pick it): the app's default store (auto → OPFS)
  // replays a reload over kept devices, and Playwright's default context is off-the-record,
  // where OPFS lives in memory behind a slow IPC per access (browser-limits.md). The default
  // store itself is tested in a persistent profile by app-storage.spec.ts.
  page: async ({ page }, use) => {
    await page.addInitScript(() => {
      try {
        localStorage.setItem('iopath.store', 'memory');
      } catch {
        // opaque origins (about:blank) have no localStorage
      }
    });
    await use(page);
  },
  errors: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    await use(errors);
    expect(errors, 'no console errors').toEqual([]);
  },
});

export { expect };

/** The position readout "K / N-1" → K (waits until a trace is loaded). */
export async function cursorOf(page: Page): Promise<number> {
  const text = (await page.getByTestId('position').textContent()) ?? '';
  return Number(text.split('/')[0]);
}

/** Wait until the scenario has run and the cursor sits at `k`. */
export async function waitForCursor(page: Page, k: number): Promise<void> {
  await expect(page.getByTestId('position')).toHaveText(new RegExp(`^${k} / \\d+$`));
}

/** The current step node: its step id and the pipeline the flow view shows. */
export async function current(page: Page): Promise<{ step: string; pipeline: string }> {
  const node = page.locator('[data-view="flow"] [aria-current="step"]');
  await expect(node).toHaveCount(1);
  const step = (await node.getAttribute('data-step')) ?? '';
  const pipeline = (await page.locator('[data-view="flow"]').getAttribute('data-pipeline')) ?? '';
  return { step, pipeline };
}

/**
 * Wait until the cursor is at `k` and the flow shows a current step; return it. One browser
 * round trip per step (the walk over a whole update presses → hundreds of times).
 */
export async function currentAt(
  page: Page,
  k: number,
): Promise<{ step: string; pipeline: string }> {
  const handle = await page.waitForFunction((want) => {
    const pos = document.querySelector('[data-testid="position"]')?.textContent ?? '';
    if (!pos.startsWith(`${want} /`)) return null;
    const flow = document.querySelector<HTMLElement>('[data-view="flow"]');
    const nodes = flow?.querySelectorAll<HTMLElement>('[aria-current="step"]') ?? [];
    if (nodes.length !== 1) return null;
    return { step: nodes[0]!.dataset.step ?? '', pipeline: flow?.dataset.pipeline ?? '' };
  }, k);
  return (await handle.jsonValue())!;
}

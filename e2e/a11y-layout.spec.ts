/**
 * Accessibility and layout (issue 7 item 10): every control has an accessible name (Chromium's
 * computed accessibility tree, in every tab), the main controls are reachable and usable by
 * keyboard alone, and at 1280×720 every tab and header control is on screen and not covered.
 * Screenshots at 1280×720 and 1920×1080 in both themes land in test-results/ for a look.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';

const STAGE = ['flow', 'sequence', 'scm', 'nvme', 'vos-tree', 'evtree', 'placement', 'pglog'];
const SIDE = ['inspector', 'events', 'breakpoints', 'faults', 'walkthrough', 'saved'];
const CONTROL_ROLES = new Set([
  'button',
  'textbox',
  'searchbox',
  'combobox',
  'listbox',
  'checkbox',
  'radio',
  'slider',
  'spinbutton',
  'switch',
  'tab',
  'menuitem',
  'link',
]);

interface AxNode {
  ignored?: boolean;
  role?: { value?: string };
  name?: { value?: string };
  backendDOMNodeId?: number;
}

/** Controls in the accessibility tree whose computed name is empty (with some HTML to find them). */
async function unlabelled(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: AxNode[] };
  const bad: string[] = [];
  for (const n of nodes) {
    const role = n.role?.value ?? '';
    if (n.ignored || !CONTROL_ROLES.has(role)) continue;
    if ((n.name?.value ?? '').trim() !== '') continue;
    let html = '';
    if (n.backendDOMNodeId !== undefined) {
      const { object } = await cdp.send('DOM.resolveNode', { backendNodeId: n.backendDOMNodeId });
      const r = await cdp.send('Runtime.callFunctionOn', {
        objectId: object.objectId!,
        functionDeclaration: 'function () { return this.outerHTML.slice(0, 160); }',
        returnByValue: true,
      });
      html = String(r.result.value);
    }
    bad.push(`${role}: ${html}`);
  }
  await cdp.detach();
  return bad;
}

async function loaded(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await expect(page.locator('[data-status]')).toHaveAttribute('data-status', 'ready', {
    timeout: 30_000,
  });
}

test('every control in every tab has an accessible name', async ({ page }) => {
  await loaded(page, '/?scenario=daos-key-sv&store=memory&step=40');
  // The check itself can fail: an unlabelled button and input are found.
  await page.evaluate(() => {
    const b = document.createElement('button');
    b.id = 'probe-b';
    const i = document.createElement('input');
    i.id = 'probe-i';
    document.body.append(b, i);
  });
  expect((await unlabelled(page)).filter((x) => x.includes('probe-'))).toHaveLength(2);
  await page.evaluate(() =>
    document.querySelectorAll('#probe-b, #probe-i').forEach((e) => e.remove()),
  );
  const problems: string[] = [];
  for (const tab of STAGE) {
    await page.locator(`[data-view-tab="${tab}"]`).click();
    for (const side of SIDE) {
      await page.locator(`[data-view-tab="${side}"]`).click();
      for (const p of await unlabelled(page)) problems.push(`${tab}+${side}: ${p}`);
    }
  }
  // Overlays: help, command palette, fault menu.
  await page.keyboard.press('?');
  for (const p of await unlabelled(page)) problems.push(`help: ${p}`);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+k');
  await expect(page.getByTestId('command-palette')).toBeVisible();
  for (const p of await unlabelled(page)) problems.push(`palette: ${p}`);
  await page.keyboard.press('Escape');
  expect([...new Set(problems)]).toEqual([]);
});

test('keyboard alone: Tab reaches the main controls, tabs open with Enter, keys step', async ({
  page,
}) => {
  await loaded(page, '/?scenario=daos-key-sv&store=memory&step=10');
  await page.locator('body').click({ position: { x: 1, y: 1 } });
  const reached: string[] = [];
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    reached.push(
      await page.evaluate(() => {
        const el = document.activeElement as HTMLInputElement | null;
        if (!el) return '';
        return [
          el.getAttribute('data-view-tab'),
          el.getAttribute('data-testid'),
          el.getAttribute('aria-label'),
          el.labels?.[0]?.textContent?.trim(),
          el.tagName === 'SELECT' ? '' : el.textContent?.trim(),
        ]
          .filter((x) => x)
          .join('|');
      }),
    );
  }
  for (const want of [
    ...STAGE,
    ...SIDE,
    'Scenario',
    'console',
    'Trace position',
    'Copy a link to this scenario at this step',
  ]) {
    expect(
      reached.some((r) => r.split('|').some((x) => x === want || x.startsWith(want))),
      `${want} reachable by Tab`,
    ).toBe(true);
  }
  // A side tab opens with Enter, a stage tab with Enter.
  await page.locator('[data-view-tab="faults"]').focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('[data-view="faults"]')).toBeVisible();
  await page.locator('[data-view-tab="sequence"]').focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('[data-view="sequence"]')).toBeVisible();
  // The transport by keys: → steps, ← steps back, End/Home.
  await page.locator('[data-view-tab="flow"]').focus();
  await page.keyboard.press('Enter');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('position')).toHaveText(/^11 \//);
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('position')).toHaveText(/^10 \//);
  // The scrubber (a range input) moves with arrow keys when focused.
  await page.getByLabel('Trace position').focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('position')).toHaveText(/^11 \//);
});

for (const [w, h] of [
  [1280, 720],
  [1920, 1080],
] as const) {
  for (const theme of ['light', 'dark'] as const) {
    test(`layout ${w}×${h} ${theme}: every tab and header control on screen, not covered`, async ({
      page,
    }) => {
      await page.setViewportSize({ width: w, height: h });
      await page.addInitScript((t) => localStorage.setItem('iopath.theme', t), theme);
      await loaded(page, '/?scenario=daos-key-sv&store=memory&step=40');
      await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
      const controls = page.locator('header.topbar button, header.topbar select, [data-view-tab]');
      const n = await controls.count();
      expect(n).toBeGreaterThan(STAGE.length + SIDE.length);
      for (let i = 0; i < n; i++) {
        const c = controls.nth(i);
        const box = await c.boundingBox();
        const what = (await c.getAttribute('data-view-tab')) ?? (await c.textContent());
        expect(box, `${what} has a box`).not.toBeNull();
        expect(box!.x, `${what} left`).toBeGreaterThanOrEqual(0);
        expect(box!.x + box!.width, `${what} right`).toBeLessThanOrEqual(w + 0.5);
        expect(box!.y + box!.height, `${what} bottom`).toBeLessThanOrEqual(h + 0.5);
        // Nothing covers its centre (not clipped by a scroller or hidden under a sibling).
        const hit = await c.evaluate((el) => {
          const r = el.getBoundingClientRect();
          const top = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
          return top !== null && (el === top || el.contains(top));
        });
        expect(hit, `${what} is not covered`).toBe(true);
      }
      await page.screenshot({ path: `test-results/layout-${w}x${h}-${theme}.png` });
      await page.locator('[data-view-tab="faults"]').click();
      await page.locator('[data-view-tab="placement"]').click();
      await page.screenshot({ path: `test-results/layout-${w}x${h}-${theme}-faults.png` });
    });
  }
}

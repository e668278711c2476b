/**
 * Screenshot comparison of key frames (issue 7 "Tests"): the flow diagram at a fixed step, the
 * SCM map, the placement view and the sequence diagram, each compared with a committed baseline
 * (e2e/key-frames.spec.ts-snapshots/) with a small tolerance.
 *
 * Deterministic: fixed scenarios and steps (the engine is seeded), memory devices, a fixed
 * viewport and device scale, light theme, reduced motion, no caret, and font flags that take
 * hinting/subpixel positioning/LCD antialiasing out of the picture. Only the view's own
 * element is captured (the header shows machine-dependent storage notes).
 * Update the baselines on purpose: `… node scripts/e2e.mjs e2e/key-frames.spec.ts
 * --update-snapshots`, then look at every changed PNG before committing it.
 */
import { getBuiltinScenario, runScenario } from '../src/engine/index.ts';
import { chromiumArgs } from '../playwright.config.ts';
import { expect, test } from './fixtures.ts';
import type { Page } from '@playwright/test';

test.use({
  viewport: { width: 1280, height: 720 },
  deviceScaleFactor: 1,
  colorScheme: 'light',
  reducedMotion: 'reduce',
  launchOptions: {
    executablePath: process.env.IOPATH_CHROMIUM ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      ...chromiumArgs,
      '--font-render-hinting=none',
      '--disable-font-subpixel-positioning',
      '--disable-lcd-text',
      '--force-color-profile=srgb',
      '--hide-scrollbars',
    ],
  },
});

const SHOT = {
  maxDiffPixelRatio: 0.01,
  threshold: 0.2,
  animations: 'disabled',
  caret: 'hide',
} as const;

const daos = runScenario(getBuiltinScenario('daos-key-sv')!).events;
const ceph = runScenario(getBuiltinScenario('ceph-rados-put-get')!).events;

async function open(page: Page, scenario: string, step: number, n: number): Promise<void> {
  await page.addInitScript(() => localStorage.setItem('iopath.theme', 'light'));
  await page.goto(`/?scenario=${scenario}&store=memory&step=${step}`);
  await expect(page.getByTestId('position')).toHaveText(`${step} / ${n - 1}`, {
    timeout: 30_000,
  });
}

test('flow: daos.update at vos_update_begin', async ({ page }) => {
  const k = daos.findIndex((e) => e.step === 'vos_update_begin');
  await open(page, 'daos-key-sv', k, daos.length);
  const flow = page.locator('[data-view="flow"]');
  await expect(flow.locator('[aria-current="step"]')).toHaveAttribute(
    'data-step',
    'vos_update_begin',
  );
  await expect(flow).toHaveScreenshot('flow-daos-update.png', SHOT);
});

test('SCM map at the end of daos-key-sv', async ({ page }) => {
  await open(page, 'daos-key-sv', daos.length - 1, daos.length);
  await page.locator('[data-view-tab="scm"]').click();
  await expect(page.locator('[data-view="scm"]')).toHaveScreenshot('scm-map.png', SHOT);
});

test('placement at the end of ceph-rados-put-get', async ({ page }) => {
  await open(page, 'ceph-rados-put-get', ceph.length - 1, ceph.length);
  await page.locator('[data-view-tab="placement"]').click();
  await expect(page.locator('[data-view="placement"] .pm-osd').first()).toBeVisible();
  await expect(page.locator('[data-view="placement"]')).toHaveScreenshot('placement.png', SHOT);
});

test('sequence diagram in the middle of ceph-rados-put-get', async ({ page }) => {
  const k = Math.floor(ceph.length / 2);
  await open(page, 'ceph-rados-put-get', k, ceph.length);
  await page.locator('[data-view-tab="sequence"]').click();
  await expect(page.locator('[data-view="sequence"]')).toHaveScreenshot('sequence.png', SHOT);
});

/** The side views, the console, the help overlay and the screenshots we look at. */
import { getBuiltinScenario, runScenario, serializeTrace } from '../src/engine/index.ts';
import { expect, test, waitForCursor } from './fixtures.ts';

const { events } = runScenario(getBuiltinScenario('daos-key-sv'));

test('inspector, event log tab, console op, help overlay', async ({ page }) => {
  await page.goto('/?scenario=daos-key-sv&step=0');
  await waitForCursor(page, 0);
  await expect(page.locator('[data-view="inspector"]')).toBeVisible();

  // Event log behind its tab: clicking a row moves the cursor.
  await page.locator('[data-view-tab="events"]').click();
  const log = page.locator('[data-view="events"]');
  await expect(log).toBeVisible();
  await log.locator('.ev-row', { hasText: 'dc_task_create' }).first().click();
  const pos = Number(((await page.getByTestId('position').textContent()) ?? '').split('/')[0]);
  expect(pos).toBeGreaterThan(0);
  await page.locator('[data-view-tab="inspector"]').click();

  // Console: a broken line shows an inline error; a valid op runs and the cursor jumps to it.
  const consoleInput = page.getByTestId('console');
  await consoleInput.fill('{"op":"daos_obj_fetch"');
  await consoleInput.press('Enter');
  await expect(page.locator('#console-error')).toContainText('not JSON');
  await consoleInput.fill(
    '{"op":"daos_obj_fetch","obj":"obj","dkey":"dkey_3","iods":[{"akey":"akey_sv","type":"DAOS_IOD_BOGUS","size":1024}]}',
  );
  await consoleInput.press('Enter');
  await expect(page.locator('#console-error')).toContainText('iods[0].type');
  const before = await page.getByTestId('position').textContent();
  await consoleInput.fill(
    '{"op":"daos_obj_fetch","obj":"obj","dkey":"dkey_3","iods":[{"akey":"akey_sv","type":"DAOS_IOD_SINGLE","size":1024}]}',
  );
  await consoleInput.press('Enter');
  await expect(page.getByTestId('position')).not.toHaveText(before ?? '');
  await expect(page.locator('[data-view="flow"]')).toHaveAttribute('data-pipeline', 'daos.fetch');

  // Clicking a step node jumps to that step's next event.
  await page.locator('[data-view="flow"] [data-step="obj_rw_complete"]').click();
  await expect(page.locator('[data-view="flow"] [aria-current="step"]')).toHaveAttribute(
    'data-step',
    'obj_rw_complete',
  );

  // Help overlay on "?" (focus away from the console first).
  await page.locator('[data-view="flow"]').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('?');
  await expect(page.getByTestId('help')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('help')).toBeHidden();
});

test('screenshots: update in flight, light and dark', async ({ page }) => {
  // A frame in the middle of the first update: the payload being copied into SCM.
  const k = events.findIndex((e) => e.pipeline === 'daos.update' && e.step === 'bio_iod_copy');
  await page.goto(`/?scenario=daos-key-sv&store=memory&step=${k}`); // the engine's trace
  await waitForCursor(page, k);
  await expect(page.locator('[data-view="flow"] [aria-current="step"]')).toHaveAttribute(
    'data-step',
    'bio_iod_copy',
  );
  // Arrive by a keypress so the token runs along the edge just taken, then let it settle.
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowRight');
  await waitForCursor(page, k);
  await page.waitForTimeout(700);
  await page.screenshot({ path: test.info().outputPath('flow-light.png') });
  if (process.env.IOPATH_UPDATE_SCREENSHOT) await page.screenshot({ path: 'docs/screenshot.png' });
  await page.keyboard.press('t');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.waitForTimeout(300);
  await page.screenshot({ path: test.info().outputPath('flow-dark.png') });
});

test('import-file opens a trace file and a scenario document', async ({ page }) => {
  await page.goto('/?scenario=daos-key-sv');
  await waitForCursor(page, 0);
  const input = page.getByTestId('import-file');

  // An iopath.trace/1 file replays as is (here: the first 60 events of daos-key-sv).
  const part = events.slice(0, 60);
  await input.setInputFiles({
    name: 'part.trace.json',
    mimeType: 'application/json',
    buffer: Buffer.from(serializeTrace(null, part)),
  });
  await expect(page.getByTestId('position')).toHaveText('0 / 59');
  await page.keyboard.press('End');
  await waitForCursor(page, 59);
  await expect(page.locator('[data-view="flow"] [aria-current="step"]')).toHaveAttribute(
    'data-step',
    part[59]!.step,
  );

  // A scenario document runs; a broken one shows the banner and leaves the trace loaded.
  await input.setInputFiles({
    name: 'bad.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{"schema":"iopath.scenario/1","ops":[{"op":"daos_pool_connect"}]}'),
  });
  await expect(page.getByTestId('error-banner')).toContainText('ops[0]');
  await expect(page.getByTestId('position')).toHaveText('59 / 59');
  const doc = getBuiltinScenario('daos-key-sv')!;
  const small = { ...doc, ops: doc.ops.slice(0, 6) };
  await input.setInputFiles({
    name: 'small.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(small)),
  });
  await expect(page.getByTestId('error-banner')).toBeHidden();
  await expect(page.getByTestId('position')).toHaveText(/^0 \/ \d+$/);
});

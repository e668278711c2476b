/**
 * Issue 2 acceptance: step through the first DAOS update of daos-key-sv key by key, compare the
 * highlighted steps with the engine's trace and the catalog order, step back, land on ?step=K,
 * survive an invalid document — with no console errors.
 */
import {
  getBuiltinScenario,
  getPipeline,
  pipelineEdges,
  runScenario,
} from '../src/engine/index.ts';
import { current, currentAt, cursorOf, expect, test, waitForCursor } from './fixtures.ts';

const { events } = runScenario(getBuiltinScenario('daos-key-sv'));
const firstUpdateOp = events.find((e) => e.pipeline === 'daos.update')!.op;
/** Index of the event where the first update reaches obj_rw_reply. */
const replyAt = events.findIndex(
  (e) => e.op === firstUpdateOp && e.pipeline === 'daos.update' && e.step === 'obj_rw_reply',
);
const catalog = getPipeline('daos.update')!;

test('→ walks the first update in catalog order; ← steps back exactly', async ({
  page,
  errors,
}) => {
  await page.goto('/?scenario=daos-key-sv');
  await waitForCursor(page, 0);
  const seen: string[] = [];
  for (let k = 1; k <= replyAt; k++) {
    await page.keyboard.press('ArrowRight');
    const cur = await currentAt(page, k);
    // The diagram always shows the pipeline of the event under the cursor.
    expect(cur).toEqual({ step: events[k]!.step, pipeline: events[k]!.pipeline });
    if (events[k]!.op === firstUpdateOp && seen.at(-1) !== cur.step) seen.push(cur.step);
  }
  expect(seen.at(-1)).toBe('obj_rw_reply');

  // First appearances follow the catalog order; every non-optional step up to the reply is hit.
  const firstSeen = [...new Set(seen)];
  const order = catalog.steps.map((s) => s.id);
  const upToReply = order.slice(0, order.indexOf('obj_rw_reply') + 1);
  expect(firstSeen).toEqual(upToReply.filter((id) => firstSeen.includes(id)));
  const required = catalog.steps
    .filter((s) => !s.optional && upToReply.includes(s.id))
    .map((s) => s.id);
  expect(required.filter((id) => !firstSeen.includes(id))).toEqual([]);

  await page.keyboard.press('ArrowLeft');
  await waitForCursor(page, replyAt - 1);
  expect((await current(page)).step).toBe(events[replyAt - 1]!.step);
  await page.keyboard.press('ArrowRight');
  await waitForCursor(page, replyAt);
  expect((await current(page)).step).toBe('obj_rw_reply');
  // The edge just taken is lit when the catalog has one between the previous step and this one.
  let prev = replyAt - 1;
  while (events[prev]!.step === 'obj_rw_reply' || events[prev]!.pipeline !== 'daos.update') prev--;
  const edges = pipelineEdges(catalog);
  const linked = edges.some(
    (e) =>
      (e.from === events[prev]!.step && e.to === 'obj_rw_reply') ||
      (e.to === events[prev]!.step && e.from === 'obj_rw_reply'),
  );
  await expect(page.locator('[data-view="flow"] .react-flow__edge.is-taken')).toHaveCount(
    linked ? 1 : 0,
  );

  await page.screenshot({ path: test.info().outputPath('flow-daos-update-reply.png') });
  expect(errors).toEqual([]);
});

test('?step=K lands on step K, and reload keeps it', async ({ page }) => {
  const k = replyAt - 3;
  // store=memory: on the default (persistent) store a reload replays the scenario over the
  // devices the first run left behind — another trace, where step K is another step.
  await page.goto(`/?scenario=daos-key-sv&store=memory&step=${k}`);
  await waitForCursor(page, k);
  expect((await current(page)).step).toBe(events[k]!.step);
  // The address bar follows the cursor, so a reload lands on the same step.
  await page.keyboard.press('ArrowRight');
  await waitForCursor(page, k + 1);
  await expect(page).toHaveURL(new RegExp(`step=${k + 1}`));
  await page.reload();
  await waitForCursor(page, k + 1);
  expect((await current(page)).step).toBe(events[k + 1]!.step);
});

test('an invalid ?scenario= document shows the error banner and the app keeps running', async ({
  page,
}) => {
  const bad = {
    schema: 'iopath.scenario/1',
    ops: [{ op: 'daos_pool_connect', pool: 'p' }, { op: 'no_such_op' }],
  };
  await page.goto(`/?scenario=${encodeURIComponent(JSON.stringify(bad))}`);
  const banner = page.getByTestId('error-banner');
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('ops[1].op');
  // Still alive: pick a built-in and step.
  await page.getByLabel('Built-in scenario').selectOption('daos-key-sv');
  await waitForCursor(page, 0);
  await expect(banner).toBeHidden();
  await page.keyboard.press('ArrowRight');
  await waitForCursor(page, 1);
});

test('Space plays and pauses; Shift+→/← move by op', async ({ page }) => {
  await page.goto('/?scenario=daos-key-sv&step=0');
  await waitForCursor(page, 0);
  await page.keyboard.press('Space');
  await expect(page.getByRole('button', { name: 'Pause (Space)' })).toBeVisible();
  await expect.poll(() => cursorOf(page)).toBeGreaterThan(1);
  await page.keyboard.press('Space');
  await expect(page.getByRole('button', { name: 'Play (Space)' })).toBeVisible();
  const paused = await cursorOf(page);
  await page.waitForTimeout(700);
  expect(await cursorOf(page)).toBe(paused);

  // Shift+→ lands on the first event of the next op; Shift+← returns to this op's start.
  const opStart = (op: number) => events.findIndex((e) => e.op === op);
  const opNow = events[paused]!.op;
  await page.keyboard.press('Shift+ArrowRight');
  await waitForCursor(page, opStart(opNow + 1));
  await page.keyboard.press('Shift+ArrowLeft');
  await waitForCursor(page, opStart(opNow));
});

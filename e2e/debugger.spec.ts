/**
 * The debugger controls of issue 7 (items 3, 6, 7): step and predicate breakpoints with run
 * until break (forward and reverse), console text commands and their inline errors, a fault
 * from the palette, step back across an op boundary. Expected positions come from the engine
 * run in Node on the same documents.
 */
import { getBuiltinScenario, runScenario, type OpDoc } from '../src/engine/index.ts';
import { current, currentAt, cursorOf, expect, test, waitForCursor } from './fixtures.ts';

const doc = getBuiltinScenario('daos-key-sv')!;
const { events } = runScenario(doc);
const N = events.length;
/** Entries (not exits) of obj_rw_reply: where a step breakpoint on it stops. */
const replyHits = events.flatMap((e, i) =>
  e.step === 'obj_rw_reply' && e.phase !== 'exit' ? [i] : [],
);

test('b on a step sets a breakpoint; c runs until it, Shift+C goes back', async ({
  page,
  errors,
}) => {
  expect(replyHits.length).toBeGreaterThan(2);
  await page.goto(`/?scenario=daos-key-sv&step=${replyHits[0]}`);
  await currentAt(page, replyHits[0]!);
  await page.keyboard.press('b');
  const node = page.locator('[data-view="flow"] [data-step="obj_rw_reply"]');
  await expect(node).toHaveAttribute('data-break', 'on');
  await page.keyboard.press('Home');
  await waitForCursor(page, 0);
  await page.keyboard.press('c');
  expect(await currentAt(page, replyHits[0]!)).toMatchObject({ step: 'obj_rw_reply' });
  await page.keyboard.press('c');
  await currentAt(page, replyHits[1]!);
  await page.keyboard.press('Shift+C');
  await currentAt(page, replyHits[0]!);
  await page.screenshot({ path: 'test-results/debugger-breakpoint.png' });

  // Play runs until the break too (instant speed: one jump).
  await page.keyboard.press('c');
  await currentAt(page, replyHits[1]!);
  await page.getByRole('combobox', { name: /Playback speed/ }).selectOption({ label: 'instant' });
  await page.keyboard.press(' ');
  await currentAt(page, replyHits[2]!);

  // Shift+click toggles it off again.
  await node.click({ modifiers: ['Shift'] });
  await expect(node).not.toHaveAttribute('data-break');
  expect(errors).toEqual([]);
});

test('predicate breakpoint over event fields; a bad one shows where it is wrong', async ({
  page,
}) => {
  const k = events.findIndex((e) => e.actor === 'engine0.tgt2' && e.phase === 'enter' && e.op > 4);
  const target = events[k]!;
  await page.goto('/?scenario=daos-key-sv');
  await waitForCursor(page, 0);
  await page.locator('[data-view-tab="breakpoints"]').click();
  const input = page.getByTestId('break-predicate');
  await input.fill('actr == "x"');
  await input.press('Enter');
  await expect(page.getByTestId('break-error')).toContainText('unknown field "actr"');
  await input.fill(`actor == "engine0.tgt2" && step == "${target.step}" && op > 4`);
  await input.press('Enter');
  await expect(page.locator('[data-break-predicate]')).toHaveCount(1);
  // (keys go to the focused field; the panel's button runs until break)
  await page.locator('[data-view="breakpoints"] [data-command="continue"]').click();
  const hit = events.findIndex(
    (e) => e.actor === 'engine0.tgt2' && e.step === target.step && e.op > 4,
  );
  await waitForCursor(page, hit);
  await page.screenshot({ path: 'test-results/debugger-predicate.png' });
});

test('console text command appends an op and runs it; errors show inline', async ({ page }) => {
  await page.goto('/?scenario=daos-key-sv');
  await waitForCursor(page, 0);
  const box = page.getByTestId('console');
  await box.fill('obj upd');
  await expect(page.getByTestId('console-suggest')).toContainText('obj update <obj>');
  await box.fill('obj u');
  await box.press('Tab');
  await expect(box).toHaveValue('obj update ');
  await box.fill('obj update obj d9');
  await box.press('Enter');
  await expect(page.getByTestId('console-error')).toHaveText(
    'usage: obj update <obj> <dkey> <akey> --sv <bytes|text>',
  );
  await expect(page.getByTestId('position')).toHaveText(`0 / ${N - 1}`);

  const op: OpDoc = {
    op: 'daos_obj_update',
    obj: 'obj',
    dkey: 'dkey_new',
    iods: [{ akey: 'akey_sv', type: 'DAOS_IOD_SINGLE', size: 5 }],
    data: [{ utf8: 'hello' }],
  };
  const after = runScenario({ ...doc, ops: [...doc.ops, op] }).events;
  await box.fill('obj update obj dkey_new akey_sv --sv hello');
  await box.press('Enter');
  await expect(page.getByTestId('position')).toHaveText(`${N} / ${after.length - 1}`);
  expect(await current(page)).toEqual({ step: after[N]!.step, pipeline: after[N]!.pipeline });
});

test('a fault from the palette appends an op; step back crosses the op boundary', async ({
  page,
}) => {
  await page.goto('/?scenario=daos-key-sv');
  await waitForCursor(page, 0);
  await page.locator('[data-view-tab="faults"]').click();
  await page.getByTestId('fault-actor').selectOption('engine0.tgt2');
  const kill = page.locator('[data-fault="fault_kill_target"]');
  await expect(kill).toHaveText(/Kill engine0\.tgt2/);
  const op: OpDoc = { op: 'fault_kill_target', target: 'engine0.tgt2' };
  const after = runScenario({ ...doc, ops: [...doc.ops, op] }).events;
  expect(after.length).toBeGreaterThan(N);
  await kill.click();
  await expect(page.getByTestId('position')).toHaveText(`${N} / ${after.length - 1}`);
  expect(await current(page)).toEqual({ step: after[N]!.step, pipeline: after[N]!.pipeline });
  await page.screenshot({ path: 'test-results/debugger-fault.png' });

  // One step back lands on the last event of the previous op, exactly.
  await page.keyboard.press('ArrowLeft');
  expect(await currentAt(page, N - 1)).toEqual({
    step: events[N - 1]!.step,
    pipeline: events[N - 1]!.pipeline,
  });
  expect(await cursorOf(page)).toBe(N - 1);
});

test('command palette runs a command by fuzzy name', async ({ page }) => {
  await page.goto('/?scenario=daos-key-sv');
  await waitForCursor(page, 0);
  await page.keyboard.press('Control+k');
  const pal = page.getByTestId('command-palette');
  await expect(pal).toBeVisible();
  await page.keyboard.type('nxt stp');
  await expect(pal.locator('[role="option"]').first()).toHaveAttribute('data-command', 'next');
  await page.keyboard.press('Enter');
  await expect(pal).toHaveCount(0);
  await waitForCursor(page, 1);
});

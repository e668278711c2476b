/**
 * Importing real Ceph dumps through the page's file input: the primary's and both replicas'
 * dump_historic_ops (picked together) draw the ceph.write steps in order with the real times;
 * a bad dump shows the JSON path of its first problem; exports download.
 */
import { readFileSync } from 'node:fs';
import { test, expect, waitForCursor, current } from './fixtures.ts';

const FX = new URL('../src/engine/import/__fixtures__/', import.meta.url);
const file = (name: string) => ({
  name,
  mimeType: 'application/json',
  buffer: readFileSync(new URL(name, FX)),
});

/** `client · t = 1.672 ms · op 0` on the caption panel → actor and t in µs. */
function pageTime(text: string): { actor: string; us: number } {
  const m = /(\S+) · t = ([\d.]+) (ns|µs|ms|s)\b/.exec(text);
  if (!m) throw new Error(`no time on the caption panel: ${text.slice(0, 120)}`);
  const scale = { ns: 1e-3, µs: 1, ms: 1e3, s: 1e6 }[m[3] as 'ns' | 'µs' | 'ms' | 's'];
  return { actor: m[1]!, us: Number(m[2]) * scale };
}

/** The first op's OpTracker stamps in a dump, as µs within their minute (one clock). */
function primaryStamps(name: string): Map<string, number> {
  const dump = JSON.parse(readFileSync(new URL(name, FX), 'utf8')) as {
    ops: { type_data: { events: { event: string; time: string }[] } }[];
  };
  const out = new Map<string, number>();
  for (const e of dump.ops[0]!.type_data.events) {
    const m = /:(\d{2})\.(\d{6})/.exec(e.time.slice(14))!;
    if (!out.has(e.event)) out.set(e.event, Number(m[1]) * 1e6 + Number(m[2]));
  }
  return out;
}

test('three OSD dumps → the replicated write, steps in order with real durations', async ({
  page,
}) => {
  await page.goto('/?scenario=ceph-rbd-write');
  await waitForCursor(page, 0);
  await page
    .getByTestId('import-file')
    .setInputFiles([file('put4k.osd.2.json'), file('put4k.osd.1.json'), file('put4k.osd.0.json')]);
  await expect(page.getByTestId('position')).toHaveText('0 / 24');
  const seen: string[] = [];
  /** Virtual time (µs) of the first event of each step on the primary, read off the page. */
  const onPrimary = new Map<string, number>();
  for (let i = 0; i < 25; i++) {
    if (i > 0) {
      await page.keyboard.press('ArrowRight');
      await waitForCursor(page, i);
    }
    const c = await current(page);
    expect(c.pipeline).toBe('ceph.write');
    if (seen[seen.length - 1] !== c.step) seen.push(c.step);
    const at = pageTime(await page.locator('.caption-panel').innerText());
    if (at.actor === 'osd.2' && !onPrimary.has(c.step)) onPrimary.set(c.step, at.us);
    if (i === 5) {
      // issue_op: "waiting for subops from 0,1", 255 µs after the first stamp (real time).
      expect(c.step).toBe('issue_op');
      await expect(page.locator('.caption-panel')).toContainText('255');
      await page.screenshot({ path: 'test-results/import-issue-op.png' });
    }
  }
  expect(seen.slice(0, 6)).toEqual([
    'ms_fast_dispatch',
    'enqueue_op',
    'dequeue_op',
    'execute_ctx',
    'issue_op',
    'ms_fast_dispatch',
  ]);
  expect(seen[seen.length - 1]).toBe('osd_op_reply');
  // Real durations: the gaps between the primary's steps are the gaps between the OpTracker
  // stamps of its dump (queued_for_pg → enqueue_op, reached_pg → dequeue_op, started →
  // execute_ctx, waiting for subops → issue_op, op_commit, commit_sent → osd_op_reply).
  const stamps = primaryStamps('put4k.osd.2.json');
  const pairs: [string, string][] = [
    ['enqueue_op', 'queued_for_pg'],
    ['dequeue_op', 'reached_pg'],
    ['execute_ctx', 'started'],
    ['issue_op', 'waiting for subops from 0,1'],
    ['op_commit', 'op_commit'],
    ['osd_op_reply', 'commit_sent'],
  ];
  for (const [step, mark] of pairs)
    expect(onPrimary.get(step)! - onPrimary.get('enqueue_op')!, step).toBeCloseTo(
      stamps.get(mark)! - stamps.get('queued_for_pg')!,
      3,
    );
  await expect(page.locator('.caption-panel')).toContainText('osd.2');

  // Chrome trace export downloads and parses as trace-event JSON.
  await page.getByTestId('export-menu').click();
  const [dl] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('[data-export="chrome"]').click(),
  ]);
  const text = readFileSync(await dl.path(), 'utf8');
  const doc = JSON.parse(text) as {
    traceEvents: {
      ph: string;
      name: string;
      ts?: number;
      dur?: number;
      pid: number;
      tid: number;
      args?: { name?: string };
    }[];
  };
  // Trace-event JSON (the "JSON Object Format"): every event has a name, a known phase, a
  // pid/tid; every timed one a ts (µs); complete slices a duration ≥ 0.
  expect(doc.traceEvents.length).toBeGreaterThan(20);
  for (const e of doc.traceEvents) {
    expect(typeof e.name).toBe('string');
    expect(['X', 'i', 'M', 's', 'f', 'B']).toContain(e.ph);
    expect(Number.isInteger(e.pid) && Number.isInteger(e.tid)).toBe(true);
    if (e.ph !== 'M') expect(typeof e.ts).toBe('number');
    if (e.ph === 'X') expect(e.dur).toBeGreaterThanOrEqual(0);
  }
  expect(doc.traceEvents.some((e) => e.ph === 'X' && e.name === 'osd_op_reply')).toBe(true);
  // The real gaps survive the export: on osd.2's process, issue_op starts 228 µs after
  // enqueue_op, as the dump's stamps say.
  const osd2 = doc.traceEvents.find((e) => e.ph === 'M' && e.args?.name === 'osd.2')?.pid;
  const tsOf = (name: string) =>
    doc.traceEvents.find((e) => e.pid === osd2 && e.name === name && e.ph !== 'M')?.ts;
  expect(tsOf('issue_op')! - tsOf('enqueue_op')!).toBeCloseTo(
    stamps.get('waiting for subops from 0,1')! - stamps.get('queued_for_pg')!,
    3,
  );
});

test('a broken dump names the JSON path; the app keeps running', async ({ page }) => {
  await page.goto('/?scenario=ceph-rbd-write&step=3');
  await waitForCursor(page, 3);
  const bad =
    '{"size":20,"ops":[{"description":"osd_op(x)","type_data":{"events":[{"event":"initiated","time":"soon"}]}}]}';
  await page
    .getByTestId('import-file')
    .setInputFiles({ name: 'osd.7.json', mimeType: 'application/json', buffer: Buffer.from(bad) });
  await expect(page.getByTestId('error-banner')).toContainText('ops[0].type_data.events[0].time');
  await waitForCursor(page, 3);
});

test('FileStore dumps: the journal steps in order with their real gaps; an in-flight dump loads', async ({
  page,
  errors,
}) => {
  await page.goto('/?scenario=ceph-rbd-write');
  await waitForCursor(page, 0);
  await page
    .getByTestId('import-file')
    .setInputFiles([
      file('filestore.osd.5.json'),
      file('filestore.osd.4.json'),
      file('filestore.osd.6.json'),
    ]);
  await expect(page.locator('.status[data-status="ready"]')).toBeVisible();
  const n = Number(((await page.getByTestId('position').textContent()) ?? '').split('/')[1]) + 1;
  expect(n).toBeGreaterThan(20);
  // The primary osd.5's first op: walk it and note where each journal step lands.
  const order: string[] = [];
  const t = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    if (i > 0) {
      await page.keyboard.press('ArrowRight');
      await waitForCursor(page, i);
    }
    const c = await current(page);
    const at = pageTime(await page.locator('.caption-panel').innerText());
    if (at.actor !== 'osd.5' || t.has(c.step)) continue;
    t.set(c.step, at.us);
    order.push(c.step);
    if (c.step === 'osd_op_reply') break;
  }
  const journal = ['submit_entry', 'do_aio_write', 'queue_completions_thru'];
  expect(order.filter((s) => journal.includes(s))).toEqual(journal);
  expect(order.indexOf('issue_op')).toBeLessThan(order.indexOf('submit_entry'));
  const st = primaryStamps('filestore.osd.5.json');
  expect(t.get('do_aio_write')! - t.get('submit_entry')!).toBeCloseTo(
    st.get('write_thread_in_journal_buffer')! - st.get('commit_queued_for_journal_write')!,
    3,
  );
  expect(t.get('queue_completions_thru')! - t.get('submit_entry')!).toBeCloseTo(
    st.get('journaled_completion_queued')! - st.get('commit_queued_for_journal_write')!,
    3,
  );

  // dump_ops_in_flight (a replica hung): the op so far, up to the primary's op_commit.
  await page.getByTestId('import-file').setInputFiles(file('inflight.osd.3.json'));
  await expect(page.getByTestId('position')).toHaveText(/^0 \/ \d+$/);
  await page.keyboard.press('End');
  const last = await current(page);
  expect(last.pipeline).toBe('ceph.write');
  expect(['op_commit', 'do_repop_reply']).toContain(last.step);
  expect(errors).toEqual([]);
});

test('exports: the trace file reopens as the same trace; the diagram as SVG and PNG', async ({
  page,
  errors,
}) => {
  await page.goto('/?scenario=ceph-rbd-write&step=40');
  await waitForCursor(page, 40);
  await expect(page.locator('.status[data-status="ready"]')).toBeVisible({ timeout: 30_000 });
  const total = await page.getByTestId('position').textContent();
  const here = await current(page);
  const save = async (kind: string) => {
    await page.getByTestId('export-menu').click();
    const [dl] = await Promise.all([
      page.waitForEvent('download'),
      page.locator(`[data-export="${kind}"]`).click(),
    ]);
    return { name: dl.suggestedFilename(), bytes: readFileSync(await dl.path()) };
  };
  const svg = await save('svg');
  expect(svg.name).toMatch(/\.svg$/);
  const svgText = svg.bytes.toString('utf8');
  expect(svgText).toMatch(/^(<\?xml[^>]*>\s*)?<svg[\s>]/);
  expect(svgText).toContain(here.step);
  const png = await save('png');
  expect(png.name).toMatch(/\.png$/);
  expect(png.bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  expect(png.bytes.length).toBeGreaterThan(2000);

  const tr = await save('trace');
  const doc = JSON.parse(tr.bytes.toString('utf8')) as { schema: string; events: unknown[] };
  expect(doc.schema).toBe('iopath.trace/1');
  await page
    .getByTestId('import-file')
    .setInputFiles({ name: tr.name, mimeType: 'application/json', buffer: tr.bytes });
  await expect(page.locator('.status')).toContainText('trace file');
  await expect(page.getByTestId('position')).toHaveText(total!.replace(/^\d+/, '0'));
  await page.keyboard.press('Home');
  for (let i = 0; i < 40; i++) await page.keyboard.press('ArrowRight');
  await waitForCursor(page, 40);
  expect(await current(page)).toEqual(here);
  expect(errors).toEqual([]);
});

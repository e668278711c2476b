/**
 * Walkthroughs, share links and embed mode in a real browser: author a two-stop walkthrough,
 * save it (IndexedDB), reload, present it with clicker keys; a share link reopens on the same
 * step and view; the embed answers postMessage commands.
 */
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { test, expect, waitForCursor, current } from './fixtures.ts';

test('author a two-stop walkthrough, save, reload, present it', async ({ page, errors }) => {
  await page.goto('/?scenario=ceph-rbd-write&step=7');
  await waitForCursor(page, 7);
  // Keys are stepped only once the whole scenario has streamed in.
  await expect(page.locator('.status[data-status="ready"]')).toBeVisible({ timeout: 30_000 });
  // The step at a cursor depends on the engine's trace; read it rather than assume it.
  const first = await current(page);
  await page.locator('[data-view-tab="walkthrough"]').click();
  await page.getByTestId('wt-new').click();
  await page.getByTestId('wt-title').fill('Two stops');
  await page.getByTestId('wt-add-stop').click();
  await page.getByTestId('wt-caption-0').fill('The first stop: **here**');
  // Step forward to another event and add the second stop.
  await page.keyboard.press('Escape');
  await page.locator('body').click({ position: { x: 5, y: 300 } });
  for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowRight');
  await waitForCursor(page, 13);
  const second = await current(page);
  await page.getByTestId('wt-add-stop').click();
  await page.getByTestId('wt-caption-1').fill('Then *execute_ctx*');
  await page.getByTestId('wt-save').click();
  await expect(page.getByTestId('wt-saved-list')).toContainText('Two stops');

  // The address bar follows the cursor after a short debounce: reload only once it has.
  await expect(page).toHaveURL(/[?&]step=13(&|$)/);
  await page.reload();
  await waitForCursor(page, 13);
  await page.locator('[data-view-tab="walkthrough"]').click();
  await expect(page.getByTestId('wt-saved-list')).toContainText('Two stops');
  await page.getByTestId('wt-saved-present').first().click();
  const presenter = page.getByTestId('presenter');
  await expect(presenter).toBeVisible();
  await expect(page.getByTestId('presenter-progress')).toHaveText('1 / 2');
  await expect(page.getByTestId('presenter-caption')).toContainText('The first stop: here');
  await expect(page.getByTestId('presenter-caption').locator('strong')).toHaveText('here');
  await waitForCursor(page, 7);
  expect((await current(page)).step).toBe(first.step);
  await expect(page.locator('.topbar')).toBeHidden();
  await page.screenshot({ path: 'test-results/walkthrough-present-1.png' });

  await page.keyboard.press('PageDown');
  await expect(page.getByTestId('presenter-progress')).toHaveText('2 / 2');
  await waitForCursor(page, 13);
  expect((await current(page)).step).toBe(second.step);
  await page.keyboard.press('ArrowLeft');
  await waitForCursor(page, 7);
  await page.keyboard.press('Escape');
  await expect(presenter).toBeHidden();
  await expect(page.locator('.topbar')).toBeVisible();

  // Exported as a file, and that file opens again (the import-file input, routed by content).
  const [dl] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('wt-saved-export').first().click(),
  ]);
  const exported = readFileSync(await dl.path(), 'utf8');
  const w = JSON.parse(exported) as { schema: string; title: string; stops: { caption: string }[] };
  expect(w).toMatchObject({ schema: 'iopath.walkthrough/1', title: 'Two stops' });
  expect(w.stops.map((s) => s.caption)).toEqual(['The first stop: **here**', 'Then *execute_ctx*']);
  await page.keyboard.press('ArrowRight');
  await page.getByTestId('import-file').setInputFiles({
    name: dl.suggestedFilename(),
    mimeType: 'application/json',
    buffer: Buffer.from(exported),
  });
  await waitForCursor(page, 7);
  expect((await current(page)).step).toBe(first.step);
  expect(errors).toEqual([]);
});

test('a built-in walkthrough presents with its captions', async ({ page }) => {
  await page.goto('/?scenario=ceph-rbd-write');
  await page.locator('[data-view-tab="walkthrough"]').click();
  await page.locator('[data-wt-present="ceph-rbd-write"]').click();
  await expect(page.getByTestId('presenter-caption')).toContainText('rbd_write');
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('presenter-progress')).toHaveText(/^6 \/ \d+$/);
  await expect(page.getByTestId('presenter-caption')).toContainText('_calc_target');
  await expect(page.locator('[data-view="placement"]')).toBeVisible();
  await page.screenshot({ path: 'test-results/walkthrough-builtin-placement.png' });
});

test('a share link opens on the same step and view', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/?scenario=ceph-rbd-write&step=40');
  await waitForCursor(page, 40);
  await page.locator('[data-view-tab="sequence"]').click();
  await page.getByTestId('share-link').click();
  await expect(page).toHaveURL(/v=1&scenario=ceph-rbd-write&step=40&view=sequence/);
  const url = page.url();
  const here = await current(page).catch(() => null);
  const other = await context.newPage();
  await other.goto(url);
  await waitForCursor(other, 40);
  await expect(other.locator('[data-view="sequence"]')).toBeVisible();
  if (here) await other.locator('[data-view-tab="flow"]').click();
  await other.close();
});

test('a compressed document link (~) opens the document', async ({ page }) => {
  const doc = {
    schema: 'iopath.scenario/1',
    seed: 3,
    cluster: {
      ceph: { crush_map: { hosts: 3, osds_per_host: 1 }, pools: [{ name: 'p', size: 3 }] },
    },
    ops: [{ op: 'rados_write_full', pool: 'p', oid: 'hello', value: { utf8: 'hi' } }],
  };
  await page.goto('/?scenario=ceph-rbd-write');
  const param = await page.evaluate(async (d) => {
    const s = new CompressionStream('deflate-raw');
    const w = s.writable.getWriter();
    void w.write(new TextEncoder().encode(JSON.stringify(d)));
    void w.close();
    const buf = new Uint8Array(await new Response(s.readable).arrayBuffer());
    let bin = '';
    for (const b of buf) bin += String.fromCharCode(b);
    return '~' + btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }, doc);
  await page.goto(`/?v=1&scenario=${param}&step=3`);
  await waitForCursor(page, 3);
  await expect(page.locator('.status')).toContainText('scenario document');
});

test('embed mode hides the chrome and answers postMessage commands', async ({ page }) => {
  await page.goto('/?scenario=ceph-rbd-write&embed=1');
  await expect(page.locator('.topbar')).toHaveCount(0);
  await waitForCursor(page, 0);
  const replies = await page.evaluate(async () => {
    const got: unknown[] = [];
    window.addEventListener('message', (e) => got.push(e.data));
    const send = (m: object) => window.postMessage({ iopath: 1, ...m }, window.location.origin);
    send({ cmd: 'subscribe', id: 1 });
    send({ cmd: 'seek', step: 25, id: 2 });
    send({ cmd: 'seek', step: -4, id: 3 });
    send({ cmd: 'bogus', id: 4 });
    await new Promise((r) => setTimeout(r, 400));
    return got;
  });
  const byId = (id: number) =>
    replies.find(
      (r) =>
        (r as { type?: string; id?: number }).type === 'reply' && (r as { id?: number }).id === id,
    ) as { ok: boolean; error?: string; state?: { index: number; step: string } } | undefined;
  expect(byId(1)?.ok).toBe(true);
  expect(byId(2)).toMatchObject({ ok: true, state: { index: 25 } });
  expect(byId(3)).toMatchObject({ ok: false, error: 'seek.step: expected an event index ≥ 0' });
  expect(byId(4)?.ok).toBe(false);
  expect(
    replies.some(
      (r) =>
        (r as { type?: string; index?: number }).type === 'step' &&
        (r as { index: number }).index === 25,
    ),
  ).toBe(true);
  await waitForCursor(page, 25);
  await page.screenshot({ path: 'test-results/embed.png' });
});

/** The flow camera: xyflow's viewport scale, the pane's box and a step node's box (CSS px). */
async function camera(page: Page, ids: string[]) {
  return page.evaluate((want) => {
    const flow = document.querySelector('[data-view="flow"]')!;
    const vp = flow.querySelector<HTMLElement>('.react-flow__viewport')!;
    const m = /scale\(([\d.]+)\)/.exec(vp.style.transform);
    const box = (el: Element | null) => {
      const r = el?.getBoundingClientRect();
      return r ? { x: r.x, y: r.y, w: r.width, h: r.height } : null;
    };
    return {
      scale: m ? Number(m[1]) : NaN,
      pane: box(flow.querySelector('.react-flow'))!,
      nodes: want.map((id) => box(flow.querySelector(`.react-flow__node[data-id="${id}"]`))),
    };
  }, ids);
}

test('a stop’s focus/zoom frames its step nodes (presenter and normal mode)', async ({
  page,
  errors,
}) => {
  const doc = {
    schema: 'iopath.walkthrough/1',
    title: 'Focus',
    scenario: 'daos-key-sv',
    stops: [
      { at: { step: 'dc_obj_update' }, caption: 'The whole update path.' },
      {
        at: { step: 'vos_update_begin' },
        caption: 'Zoom on **vos_update_begin**.',
        focus: 'vos_update_begin',
        zoom: 1.6,
      },
      {
        at: { step: 'obj_local_rw' },
        caption: 'From the client call to VOS.',
        focus: ['dc_obj_update', 'vos_update_begin'],
      },
    ],
  };
  const file = {
    name: 'focus.walkthrough.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(doc)),
  };
  await page.goto('/?scenario=daos-key-sv&present=1');
  await waitForCursor(page, 0);
  await page.getByTestId('import-file').setInputFiles(file);
  await expect(page.getByTestId('presenter-progress')).toHaveText('1 / 3');
  // The first dc_obj_update, once the whole run is in and the stops resolved.
  await expect(page.getByTestId('position')).toHaveText(/^10 \/ \d+$/, { timeout: 60_000 });
  await expect(page.locator('[data-view="flow"] [aria-current="step"]')).toHaveAttribute(
    'data-step',
    'dc_obj_update',
  );
  // The camera animates (and xyflow's first fit may run before the presenter layout settles):
  // read the scale once it holds still.
  const settledScale = async () => {
    let prev = NaN;
    await expect
      .poll(
        async () => {
          const s = (await camera(page, [])).scale;
          const same = s === prev;
          prev = s;
          return same;
        },
        { intervals: [400], timeout: 15_000 },
      )
      .toBe(true);
    return prev;
  };
  const whole = { scale: await settledScale() };
  expect(whole.scale).toBeLessThanOrEqual(1.15);

  const centred = async (id: string, zoom: number) => {
    await expect.poll(async () => (await camera(page, [id])).scale).toBeCloseTo(zoom, 2);
    const c = await camera(page, [id]);
    const n = c.nodes[0]!;
    // The node's centre is the pane's centre (fitView on that node at an exact zoom).
    expect(Math.abs(n.x + n.w / 2 - (c.pane.x + c.pane.w / 2))).toBeLessThan(c.pane.w * 0.05);
    expect(Math.abs(n.y + n.h / 2 - (c.pane.y + c.pane.h / 2))).toBeLessThan(c.pane.h * 0.05);
  };
  await page.keyboard.press('PageDown');
  await expect(page.getByTestId('presenter-progress')).toHaveText('2 / 3');
  await centred('vos_update_begin', 1.6);
  await page.screenshot({ path: 'test-results/walkthrough-focus-zoom.png' });

  await page.keyboard.press('PageDown');
  await expect(page.getByTestId('presenter-progress')).toHaveText('3 / 3');
  // Both nodes framed: inside the pane, and closer than the whole-pipeline view.
  await expect
    .poll(async () => {
      const c = await camera(page, ['dc_obj_update', 'vos_update_begin']);
      return c.nodes.every(
        (n) =>
          n !== null &&
          n.x >= c.pane.x &&
          n.y >= c.pane.y &&
          n.x + n.w <= c.pane.x + c.pane.w &&
          n.y + n.h <= c.pane.y + c.pane.h,
      ) && Math.abs(c.scale - 1.6) > 0.01
        ? c.scale
        : -1;
    })
    .toBeGreaterThan(whole.scale);

  // Back to stop 1: the whole pipeline again.
  await page.keyboard.press('PageUp');
  await page.keyboard.press('PageUp');
  await expect(page.getByTestId('presenter-progress')).toHaveText('1 / 3');
  expect(await settledScale()).toBeCloseTo(whole.scale, 2);

  // Normal mode: the walkthrough tab's stop buttons apply the same framing.
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('presenter')).toBeHidden();
  await page.locator('[data-view-tab="walkthrough"]').click();
  await page.locator('[data-wt-stop="1"]').click();
  await centred('vos_update_begin', 1.6);
  expect(errors).toEqual([]);
});

test('embed: a parent on another origin loads an iopath trace by postMessage', async ({
  page,
  baseURL,
}) => {
  // The parent page is served on http://localhost:PORT, the player on http://127.0.0.1:PORT:
  // two origins; the player's `origin=` allows the parent.
  const player = new URL(baseURL ?? '');
  const parent = new URL(player.href);
  parent.hostname = 'localhost';
  const frameSrc = `${player.origin}/?embed=1&scenario=ceph-rbd-write&origin=${encodeURIComponent(parent.origin)}`;
  // The parent comes from the same local server (Chromium's local-network checks block a
  // loopback iframe in a page it cannot place): the app's page on the other origin, with
  // the player's iframe added to it.
  await page.goto(`${parent.origin}/?scenario=daos-key-sv`);
  await page.evaluate(
    ({ src, from }) => {
      const w = window as unknown as { got: unknown[] };
      w.got = [];
      window.addEventListener('message', (e) => {
        if (e.origin === from && (e.data as { iopath?: number } | null)?.iopath === 1)
          w.got.push(e.data);
      });
      const f = document.createElement('iframe');
      f.id = 'p';
      f.src = src;
      f.width = '1000';
      f.height = '640';
      f.style.cssText = 'position:fixed;left:0;top:0;z-index:9999;background:#fff';
      document.body.append(f);
    },
    { src: frameSrc, from: player.origin },
  );
  await page.waitForFunction(() =>
    (window as unknown as { got: { type: string }[] }).got.some((m) => m.type === 'ready'),
  );
  const text = readFileSync(
    new URL('../fixtures/golden/ceph-rados-put-get.trace.json', import.meta.url),
    'utf8',
  );
  const events = (JSON.parse(text) as { events: { step: string }[] }).events;
  const bad = JSON.stringify({
    schema: 'iopath.trace/1',
    events: [
      {
        seq: 0,
        t: 'soon',
        pipeline: 'ceph.write',
        op: 0,
        step: 'x',
        phase: 'point',
        actor: 'client',
      },
    ],
  });
  const replies = await page.evaluate(
    async ({ text, bad, origin }) => {
      const w = window as unknown as { got: { type: string; id?: number }[] };
      const frame = (document.getElementById('p') as HTMLIFrameElement).contentWindow!;
      const ask = async (m: object, id: number) => {
        frame.postMessage({ iopath: 1, id, ...m }, origin);
        for (;;) {
          const r = w.got.find((x) => x.type === 'reply' && x.id === id);
          if (r) return r;
          await new Promise((res) => requestAnimationFrame(res));
        }
      };
      return {
        load: await ask({ cmd: 'load', trace: text, step: 5 }, 1),
        seek: await ask({ cmd: 'seek', step: 7 }, 2),
        bad: await ask({ cmd: 'load', trace: bad }, 3),
        notTrace: await ask({ cmd: 'load', trace: { schema: 'x' } }, 4),
        play: await ask({ cmd: 'play' }, 6),
        pause: await ask({ cmd: 'pause' }, 7),
        seekAgain: await ask({ cmd: 'seek', step: 7 }, 8),
        after: await ask({ cmd: 'state' }, 5),
      };
    },
    { text, bad, origin: player.origin },
  );
  expect(replies.load).toMatchObject({
    ok: true,
    cmd: 'load',
    state: { index: 5, count: events.length, step: events[5]!.step },
  });
  expect(replies.seek).toMatchObject({ ok: true, state: { index: 7, step: events[7]!.step } });
  // A broken trace: the worker names the JSON path; the loaded trace stays.
  expect(replies.bad).toMatchObject({ ok: false, cmd: 'load' });
  expect((replies.bad as unknown as { error: string }).error).toMatch(/events\[0\]\.t/);
  expect(replies.notTrace).toMatchObject({
    ok: false,
    error: 'load.trace.schema: expected "iopath.trace/1"',
  });
  expect(replies.play).toMatchObject({ ok: true, cmd: 'play', state: { playing: true } });
  expect(replies.pause).toMatchObject({ ok: true, cmd: 'pause', state: { playing: false } });
  expect(replies.after).toMatchObject({ ok: true, state: { count: events.length, index: 7 } });
  const frame = page.frameLocator('#p');
  await expect(frame.getByTestId('position')).toHaveText(new RegExp(`^7 / ${events.length - 1}$`));
  await page.screenshot({ path: 'test-results/embed-trace.png' });
});

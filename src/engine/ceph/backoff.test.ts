/**
 * MOSDBackoff (spec §7 min_size, §10.5): a write to a PG below min_size is dropped by the
 * primary with a PG-wide backoff; the client holds it until the PG is active again and then
 * resends it (RETRY=1). The dropped attempt's events end `reached_pg, done` without a reply,
 * as on the live cluster.
 */
import { expect, test } from 'vitest';
import { utf8Encode } from '../core/bytes.ts';
import { makeHarness } from './testing/harness.ts';

test('below min_size: block → ack-block, held op, unblock on activation → resend', () => {
  const h = makeHarness(
    {
      crush_map: { hosts: 3, osds_per_host: 1 },
      pools: [{ name: 'sim', size: 3, min_size: 2, pg_num: 8 }],
      op_history_size: 1000,
    },
    4,
  );
  const { client, cluster } = h;
  h.run(client.writeFull('sim', 'b', utf8Encode('one')));
  const p = cluster.map.mapObject(1, 'b');
  const [prim, a, b] = p.acting as [number, number, number];
  cluster.killOsd(a);
  cluster.killOsd(b);
  const w = h.start(client.writeFull('sim', 'b', utf8Encode('two')));
  h.rt.sim.run({ untilTime: h.rt.sim.now + 120_000_000_000 });
  expect(w.done).toBe(false);
  const ev = h.rt.trace.events;
  const add = ev.find((e) => e.step === 'add_backoff' && e.actor === `osd.${prim}`);
  expect(add).toBeDefined();
  const handled = ev.filter((e) => e.step === 'handle_osd_backoff');
  expect(handled.map((e) => (e.data as { op: string }).op)).toEqual(['block']);
  // The held op is not sent again while blocked.
  const dropped = cluster
    .osd(prim)
    .tracker.historic.filter((o) => o.description.includes('[writefull 0~3]'));
  expect(dropped.length).toBeGreaterThan(0);
  const last = dropped.at(-1);
  expect(last?.names.slice(-2)).toEqual(['reached_pg', 'done']);
  // (this attempt had started before the interval change: it ends without a reply)
  expect(last?.names).not.toContain('commit_sent');
  // One OSD returns: the PG goes active, the backoff is lifted, the op is resent and done.
  h.run(cluster.restartOsd(a));
  h.rt.sim.runToCompletion(w);
  const steps = h.rt.trace.events.map((e) => e.step);
  expect(steps).toContain('release_backoffs');
  expect(
    h.rt.trace.events
      .filter((e) => e.step === 'handle_osd_backoff')
      .map((e) => (e.data as { op: string }).op),
  ).toEqual(['block', 'unblock']);
  const descs = cluster.osd(prim).tracker.historic.map((o) => o.description);
  expect(descs.some((d) => /\[writefull 0~3\].*RETRY=\d+ ondisk\+retry\+write/.test(d))).toBe(true);
  expect(new TextDecoder().decode(h.run(client.read('sim', 'b', 0, 16)))).toBe('two');
});

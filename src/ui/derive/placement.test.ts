import { describe, expect, it } from 'vitest';
import { createDerived } from './createDerived.ts';
import {
  crushRoots,
  placementInitial,
  placementReducer,
  type PlacementState,
} from './placement.ts';
import { ev } from './testing.ts';

const fold = (events: ReturnType<typeof ev>[]): PlacementState =>
  events.reduce((s, e, i) => placementReducer.apply(s, e, i), placementInitial());

describe('placement reducer', () => {
  const events = [
    ev(0, {
      actor: 'mon.a',
      step: 'OSDMap::build',
      data: {
        osd_tree: {
          nodes: [
            { id: -1, name: 'default', type: 'root', children: [-2, -3] },
            { id: -2, name: 'host0', type: 'host', children: [0] },
            { id: -3, name: 'host1', type: 'host', children: [1, 2] },
            { id: 0, name: 'osd.0', type: 'osd', crush_weight: 1, reweight: 1, status: 'up' },
            { id: 1, name: 'osd.1', type: 'osd', crush_weight: 1, reweight: 0, status: 'up' },
            { id: 2, name: 'osd.2', type: 'osd', crush_weight: 2, reweight: 1, status: 'up' },
          ],
        },
      },
    }),
    ev(1, {
      actor: 'client',
      step: '_calc_target',
      data: {
        tid: 1,
        oid: 'foo',
        raw_hash: '0x7fc1f406',
        pgid: '1.6',
        up: [2, 0],
        acting: [2, 0],
        primary: 2,
        epoch: 5,
      },
    }),
    ev(2, {
      actor: 'mon.a',
      step: 'OSDMonitor::update_from_paxos',
      data: { epoch: 6, why: 'osd.0 failed', down: [0] },
    }),
    ev(3, {
      actor: 'client',
      step: '_calc_target',
      data: {
        tid: 1,
        oid: 'foo',
        raw_hash: '0x7fc1f406',
        pgid: '1.6',
        up: [2],
        acting: [2],
        primary: 2,
        epoch: 6,
        pps: '0x1234',
      },
    }),
  ];

  it('reads the tree, OSD states, PG rows and object paths', () => {
    const s = fold(events);
    expect(crushRoots(s).map((n) => n.name)).toEqual(['default']);
    expect(s.osds.get(1)).toEqual({ id: 1, up: true, in: false });
    expect(s.osds.get(0)?.up).toBe(false);
    expect(s.pgs.get('1.6')).toMatchObject({ up: [2], acting: [2], primary: 2, epoch: 6 });
    expect(s.objects.get('foo')).toMatchObject({
      rawHash: '0x7fc1f406',
      pps: '0x1234',
      pgid: '1.6',
    });
    expect(s.epoch).toBe(6);
  });

  it('step back restores the earlier mapping (checkpoints every 1 and 2)', () => {
    for (const every of [1, 2, 3]) {
      const d = createDerived(placementReducer, placementInitial(), every);
      expect(d.at(events, 3).osds.get(0)?.up).toBe(false);
      const back = d.at(events, 1);
      expect(back.osds.get(0)?.up).toBe(true);
      expect(back.pgs.get('1.6')?.acting).toEqual([2, 0]);
      expect(back).toEqual(fold(events.slice(0, 2)));
    }
  });

  it('without a tree, a synthetic root holds the OSDs the trace mentions', () => {
    const s = fold([ev(0, { actor: 'osd.3', step: 'do_op', data: { pg: '1.0' } })]);
    expect(crushRoots(s)[0]?.children).toEqual([3]);
  });
});

// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { PipelineView, TraceEvent } from '../../../protocol/index.ts';
import type { Catalog } from '../../state/store.ts';
import { captionModel, captionParts, patchCaption } from './captionModel.ts';

const view: PipelineView = {
  id: 'daos.update',
  system: 'daos',
  title: 'update',
  summary: '',
  lanes: [{ id: 'vos', label: 'VOS' }],
  steps: [{ id: 'vos_update_begin', lane: 'vos', caption: 'Open the update.', source: 'vos_io.c' }],
  edges: [],
};
const catalog: Catalog = {
  pipelines: new Map([[view.id, view]]),
  scenarios: [],
  rcNames: { '-1005': 'DER_NONEXIST' },
  ops: new Set(),
};
const ev = (over: Partial<TraceEvent>): TraceEvent => ({
  seq: 7,
  t: 1_500,
  pipeline: 'daos.update',
  op: 0,
  step: 'vos_update_begin',
  phase: 'enter',
  actor: 'engine0.tgt1',
  ...over,
});

function panel(): HTMLElement {
  const root = document.createElement('section');
  root.innerHTML = `<code data-part="fn"></code><span data-part="phase"></span>
    <span data-part="rc" hidden></span><span data-part="actor"></span><span data-part="time"></span>
    <span data-part="op"></span><code data-part="opName"></code><span data-part="caption"></span>
    <span data-part="eventCaption" hidden></span>
    <p data-part="source" hidden>source: <code data-part="sourceFile"></code></p>`;
  return root;
}

describe('captionModel', () => {
  it('names the function, phase, rc, op and catalog caption', () => {
    const m = captionModel(ev({ phase: 'exit', rc: -1005 }), catalog, {
      ops: [{ op: 'obj_update' }],
    });
    expect(m).toMatchObject({
      fn: 'vos_update_begin()',
      phaseText: 'return',
      rc: 'rc = -1005 DER_NONEXIST',
      rcBad: true,
      time: 't = 1.500 µs',
      op: 'op 0 ',
      opName: 'obj_update',
      caption: 'Open the update.',
      eventCaption: null,
      source: 'vos_io.c',
    });
  });

  it('setup events and uncatalogued steps', () => {
    const m = captionModel(ev({ op: -1, step: 'x', rc: 0, caption: 'hi' }), catalog, null);
    expect(m).toMatchObject({ op: 'op – ', opName: 'setup', rc: 'rc = 0 OK', rcBad: false });
    expect(m).toMatchObject({ caption: '', eventCaption: ' hi', source: null });
  });
});

describe('patchCaption', () => {
  it('writes the parts and hides what the event lacks', () => {
    const root = panel();
    const parts = captionParts(root)!;
    patchCaption(parts, captionModel(ev({ rc: -1005, caption: 'why' }), catalog, null));
    expect(parts.fn.textContent).toBe('vos_update_begin()');
    expect(parts.rc.hidden).toBe(false);
    expect(parts.rc.className).toBe('rc-badge rc-bad');
    expect(parts.eventCaption.textContent).toBe(' why');
    expect(parts.source.hidden).toBe(false);
    expect(parts.sourceFile.textContent).toBe('vos_io.c');
    patchCaption(parts, captionModel(ev({ step: 'other', phase: 'point' }), catalog, null));
    expect(parts.rc.hidden).toBe(true);
    expect(parts.rc.textContent).toBe('');
    expect(parts.eventCaption.hidden).toBe(true);
    expect(parts.source.hidden).toBe(true);
    expect(parts.phase.className).toBe('phase-badge phase-point');
  });

  it('leaves unchanged text nodes alone', () => {
    const root = panel();
    const parts = captionParts(root)!;
    patchCaption(parts, captionModel(ev({}), catalog, null));
    const node = parts.actor.firstChild;
    patchCaption(parts, captionModel(ev({ t: 2_000 }), catalog, null));
    expect(parts.actor.firstChild).toBe(node);
    expect(parts.time.textContent).toBe('t = 2.000 µs');
  });
});

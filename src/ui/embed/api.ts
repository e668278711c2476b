/**
 * Embed mode's postMessage API: the parent page drives the player (load a scenario or an
 * iopath trace, play, pause, seek) and may subscribe to `step` events. Messages from origins
 * not allowed (protocol.ts) are dropped; replies go only to the sender's origin. On start the
 * embed posts `ready` to the parent (target: each allowed origin). A `load` is answered once
 * it has landed (or failed).
 */
import { trace, useApp } from '../state/store.ts';
import { allowedOrigins, parseCommand } from './protocol.ts';

export function startEmbedApi(win: Window): () => void {
  const allowed = allowedOrigins(win.location.search, win.document.referrer, win.location.origin);
  const subscribers = new Map<MessageEventSource, string>();
  const post = (to: MessageEventSource | null, origin: string, msg: Record<string, unknown>) => {
    (to as Window | null)?.postMessage({ iopath: 1, ...msg }, origin);
  };
  const stepEvent = () => {
    const s = useApp.getState();
    const e = trace.at(s.cursor);
    return {
      type: 'step',
      index: s.cursor,
      count: s.count,
      playing: s.playing,
      ...(e
        ? { step: e.step, pipeline: e.pipeline, actor: e.actor, phase: e.phase, op: e.op, t: e.t }
        : {}),
    };
  };
  const replyWhenLoaded = (reply: (body: Record<string, unknown>) => void) => {
    const done = (s: ReturnType<typeof useApp.getState>) => {
      if (s.error) reply({ ok: false, cmd: 'load', error: s.error.message });
      else reply({ ok: true, cmd: 'load', state: stepEvent() });
    };
    if (useApp.getState().status !== 'loading') {
      done(useApp.getState());
      return;
    }
    const stop = useApp.subscribe((s) => {
      if (s.status === 'loading') return;
      stop();
      done(s);
    });
  };
  const onMessage = (ev: MessageEvent) => {
    if (!allowed.has(ev.origin)) return;
    const p = parseCommand(ev.data);
    if (p.ok === 'ignore') return;
    const reply = (body: Record<string, unknown>) =>
      post(ev.source, ev.origin, { type: 'reply', id: p.id, ...body });
    if (!p.ok) {
      reply({ ok: false, error: p.error });
      return;
    }
    const app = useApp.getState();
    const c = p.command;
    switch (c.cmd) {
      case 'load': {
        const opts: { seed?: number; step?: number } = {};
        if (c.step !== undefined) opts.step = c.step;
        if ('trace' in c) app.load({ kind: 'trace', text: c.trace }, opts);
        else {
          if (c.seed !== undefined) opts.seed = c.seed;
          app.load(
            typeof c.scenario === 'string'
              ? { kind: 'builtin', name: c.scenario }
              : { kind: 'doc', doc: c.scenario },
            opts,
          );
        }
        // The reply waits for the load to land: ok with the new state, or the worker's
        // error (e.g. `events[3].t: …`; the previous trace stays on screen).
        replyWhenLoaded(reply);
        return;
      }
      case 'play':
        app.setPlaying(true);
        break;
      case 'pause':
        app.setPlaying(false);
        break;
      case 'seek':
        app.setPlaying(false);
        app.setCursor(c.step);
        break;
      case 'subscribe':
        if (ev.source) subscribers.set(ev.source, ev.origin);
        break;
      case 'unsubscribe':
        if (ev.source) subscribers.delete(ev.source);
        break;
      case 'state':
        break;
    }
    reply({ ok: true, cmd: c.cmd, state: stepEvent() });
  };
  win.addEventListener('message', onMessage);
  const unsub = useApp.subscribe((s, prev) => {
    if (subscribers.size === 0) return;
    if (s.cursor === prev.cursor && s.status === prev.status && s.playing === prev.playing) return;
    if (s.status !== 'ready') return;
    const msg = stepEvent();
    for (const [src, origin] of subscribers) post(src, origin, msg);
  });
  if (win.parent !== win) {
    for (const o of allowed)
      if (o !== 'null') win.parent.postMessage({ iopath: 1, type: 'ready' }, o);
  }
  return () => {
    win.removeEventListener('message', onMessage);
    unsub();
  };
}

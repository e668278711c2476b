/**
 * `?walkthrough=<built-in name>[&stop=K][&present=1]`: open a built-in walkthrough from the
 * URL (the record script and shared walkthrough links use it). Returns true when it took over
 * the first load.
 */
import { useApp } from '../state/store.ts';
import { BUILTIN_WALKTHROUGHS } from './builtins/index.ts';
import { openWalkthrough } from './store.ts';

export function bootWalkthrough(search: string): boolean {
  const q = new URLSearchParams(search);
  const name = q.get('walkthrough');
  if (name === null) return false;
  const w = Object.prototype.hasOwnProperty.call(BUILTIN_WALKTHROUGHS, name)
    ? BUILTIN_WALKTHROUGHS[name]
    : undefined;
  if (!w) {
    useApp.getState().showError({
      message: `walkthrough: ${JSON.stringify(name.slice(0, 60))} is not a built-in walkthrough (known: ${Object.keys(BUILTIN_WALKTHROUGHS).join(', ')})`,
    });
    return false;
  }
  const stop = Number(q.get('stop') ?? '1');
  openWalkthrough(w, {
    present: q.get('present') === '1',
    startStop: Number.isInteger(stop) && stop >= 1 ? stop - 1 : 0,
  });
  return true;
}

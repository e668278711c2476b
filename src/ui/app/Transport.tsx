/** Play/pause, step and op buttons, speed, the scrubber and the position readout. */
import { useRef, type ReactNode } from 'react';
import { COMMANDS, command, speedLabel } from '../commands/commands.ts';
import { IconOpBack, IconOpFwd, IconPause, IconPlay, IconStepBack, IconStepFwd } from './icons.tsx';
import { SPEEDS, useApp, type Store } from '../state/store.ts';
import { Scrubber } from '../views/timeline/Scrubber.tsx';
import { cursorMoved, positionText, setText, useStorePatch } from '../views/timeline/storePatch.ts';

/** The readout follows the cursor outside React (a step re-renders no part of the toolbar). */
const patchPosition = (el: HTMLOutputElement, s: Store) =>
  setText(el, positionText(s.cursor, s.count));

function Btn({ id, icon }: { id: string; icon: ReactNode }) {
  const c = command(id);
  const count = useApp((s) => s.count);
  return (
    <button
      type="button"
      className="tbtn"
      onClick={() => c.run()}
      aria-label={`${c.label} (${c.keyHint})`}
      title={`${c.label} (${c.keyHint})`}
      data-command={c.id}
      disabled={count === 0}
    >
      {icon}
    </button>
  );
}

export function Transport() {
  const playing = useApp((s) => s.playing);
  const count = useApp((s) => s.count);
  const position = useRef<HTMLOutputElement>(null);
  useStorePatch(position, patchPosition, cursorMoved);
  const speedIndex = useApp((s) => s.speedIndex);
  const setSpeedIndex = useApp((s) => s.setSpeedIndex);
  const play = COMMANDS.find((c) => c.id === 'play')!;
  return (
    <div className="transport" role="toolbar" aria-label="Step controls">
      <Btn id="prevOp" icon={<IconOpBack />} />
      <Btn id="prev" icon={<IconStepBack />} />
      <button
        type="button"
        className="tbtn tbtn-play"
        onClick={() => play.run()}
        aria-label={playing ? 'Pause (Space)' : 'Play (Space)'}
        aria-pressed={playing}
        title={playing ? 'Pause (Space)' : 'Play (Space)'}
        data-command="play"
        disabled={count === 0}
      >
        {playing ? <IconPause /> : <IconPlay />}
      </button>
      <Btn id="next" icon={<IconStepFwd />} />
      <Btn id="nextOp" icon={<IconOpFwd />} />
      <label className="speed">
        <span className="sr-only">Speed</span>
        <select
          value={speedIndex}
          onChange={(e) => setSpeedIndex(Number(e.target.value))}
          aria-label="Playback speed (steps per second; [ and ] change it)"
          title="Playback speed: steps per second"
        >
          {SPEEDS.map((_, i) => (
            <option key={i} value={i}>
              {speedLabel(i)}
            </option>
          ))}
        </select>
      </label>
      <Scrubber />
      {/* As wide as the widest "cursor / last" of this trace: a seek must not resize the
          scrubber (its canvas repaint walks every op boundary). */}
      <output
        ref={position}
        className="position"
        aria-live="off"
        data-testid="position"
        style={{ minWidth: `max(90px, ${2 * String(Math.max(0, count - 1)).length + 3}ch)` }}
      >
        –
      </output>
    </div>
  );
}

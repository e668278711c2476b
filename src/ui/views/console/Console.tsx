/**
 * The console: Enter appends an op to the running scenario and runs it (errors inline). Takes
 * the compact text form (textCommand.ts) or one op as JSON. Tab completes the command words;
 * the suggestion list under the line shows the forms the typed prefix can still become.
 */
import { useMemo, useState } from 'react';
import { useApp } from '../../state/store.ts';
import { parseCommand } from './parseCommand.ts';
import { completeTextCommand } from './textCommand.ts';

const NO_OPS: ReadonlySet<string> = new Set();

export function Console() {
  const [line, setLine] = useState('');
  const [focused, setFocused] = useState(false);
  const [localError, setLocalError] = useState<string | null>(null);
  const remoteError = useApp((s) => s.consoleError);
  const busy = useApp((s) => s.consoleBusy);
  const appendOp = useApp((s) => s.appendOp);
  const clear = useApp((s) => s.clearConsoleError);
  const known = useApp((s) => s.catalog?.ops ?? NO_OPS);
  const error = localError ?? remoteError;
  const suggestions = useMemo(
    () => (line.trimStart().startsWith('{') ? [] : completeTextCommand(line, known)),
    [line, known],
  );
  const showList = focused && !error && suggestions.length > 0;
  return (
    <form
      className="console"
      onSubmit={(e) => {
        e.preventDefault();
        const r = parseCommand(line, known);
        if (!r.ok) {
          setLocalError(r.error);
          return;
        }
        setLocalError(null);
        appendOp(r.op);
        setLine('');
      }}
    >
      <label className="console-label" htmlFor="console-input">
        ›
      </label>
      <input
        id="console-input"
        data-testid="console"
        className={error ? 'console-input has-error' : 'console-input'}
        value={line}
        onChange={(e) => {
          setLine(e.target.value);
          if (localError) setLocalError(null);
          if (remoteError) clear();
        }}
        onKeyDown={(e) => {
          if (e.key === 'Tab' && suggestions[0] && suggestions[0].insert !== line) {
            e.preventDefault();
            setLine(suggestions[0].insert);
          } else if (e.key === 'Escape') (e.target as HTMLInputElement).blur();
        }}
        onFocus={() => setFocused(true)}
        onBlur={() => setFocused(false)}
        placeholder="kv put kv k1 hello · obj update obj d0 a0 --sv 1024 · kill osd.1 · {JSON op}  (Tab completes)"
        aria-label="Console: append an op to the scenario (Enter runs it, Tab completes)"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? 'console-error' : showList ? 'console-suggest' : undefined}
        disabled={busy}
        spellCheck={false}
        autoComplete="off"
      />
      {error ? (
        <span id="console-error" className="console-error" role="alert" data-testid="console-error">
          {error}
        </span>
      ) : null}
      {showList ? (
        <ul id="console-suggest" className="console-suggest" data-testid="console-suggest">
          {suggestions.slice(0, 8).map((s) => (
            <li key={s.hint}>
              <button
                type="button"
                tabIndex={-1}
                onMouseDown={(e) => {
                  e.preventDefault();
                  setLine(s.insert);
                }}
              >
                <code>{s.hint}</code>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </form>
  );
}

/** The console: Enter appends an op to the running scenario and runs it (errors inline). */
import { useState } from 'react';
import { useApp } from '../../state/store.ts';
import { parseCommand } from './parseCommand.ts';

export function Console() {
  const [line, setLine] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);
  const remoteError = useApp((s) => s.consoleError);
  const busy = useApp((s) => s.consoleBusy);
  const appendOp = useApp((s) => s.appendOp);
  const clear = useApp((s) => s.clearConsoleError);
  const error = localError ?? remoteError;
  return (
    <form
      className="console"
      onSubmit={(e) => {
        e.preventDefault();
        const r = parseCommand(line);
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
        placeholder='append an op: {"op":"daos_obj_fetch","obj":"obj","dkey":"dkey_0","iods":[…]}'
        aria-label="Console: append an op to the scenario (Enter runs it)"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? 'console-error' : undefined}
        disabled={busy}
        spellCheck={false}
        autoComplete="off"
      />
      {error ? (
        <span id="console-error" className="console-error" role="alert">
          {error}
        </span>
      ) : null}
    </form>
  );
}

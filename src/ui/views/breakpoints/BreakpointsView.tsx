/**
 * The breakpoint panel: step breakpoints (toggled with `b` or Shift+click on a flow node),
 * predicate breakpoints typed as expressions over event fields, and run-until-break both ways.
 */
import { useState } from 'react';
import { BREAK_FIELDS } from '../../debug/breakExpr.ts';
import { useApp } from '../../state/store.ts';

export function BreakpointsView() {
  const breaks = useApp((s) => s.breaks);
  const note = useApp((s) => s.breakNote);
  const [text, setText] = useState('');
  const [error, setError] = useState<{ error: string; at: number } | null>(null);
  const app = useApp.getState;
  return (
    <section className="breakpoints" data-view="breakpoints" aria-label="Breakpoints">
      <div className="bp-actions">
        <button
          type="button"
          data-command="reverseContinue"
          onClick={() => app().continueToBreak(-1)}
        >
          ◀◀ Reverse-continue (Shift+C)
        </button>
        <button type="button" data-command="continue" onClick={() => app().continueToBreak(1)}>
          Continue ▶▶ (c)
        </button>
        <button type="button" onClick={() => app().toggleBreakStep()}>
          Toggle on current step (b)
        </button>
      </div>
      {note ? (
        <p className="bp-note" role="status" data-testid="break-note">
          {note}
        </p>
      ) : null}
      <form
        className="bp-form"
        onSubmit={(e) => {
          e.preventDefault();
          const err = app().addBreakPredicate(text);
          setError(err);
          if (!err) setText('');
        }}
      >
        <label htmlFor="bp-input">Break when</label>
        <input
          id="bp-input"
          data-testid="break-predicate"
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setError(null);
          }}
          placeholder='actor == "osd.2" && step == "issue_repop"'
          aria-invalid={error ? true : undefined}
          aria-describedby="bp-help"
          spellCheck={false}
          autoComplete="off"
        />
        <button type="submit">Add</button>
      </form>
      {error ? (
        <p className="bp-error" role="alert" data-testid="break-error">
          {error.error} (at column {error.at + 1})
        </p>
      ) : (
        <p id="bp-help" className="bp-help">
          Fields: {BREAK_FIELDS.join(' ')} · operators == != &lt; &lt;= &gt; &gt;= &amp;&amp; || ( )
        </p>
      )}
      <ul className="bp-list" aria-label="Active breakpoints">
        {[...breaks.steps].map((s) => (
          <li key={`s:${s}`} data-break-step={s}>
            <span aria-hidden="true" className="bp-glyph">
              B
            </span>{' '}
            step <code>{s}</code>
            <button
              type="button"
              aria-label={`Remove breakpoint on ${s}`}
              onClick={() => app().toggleBreakStep(s)}
            >
              ✕
            </button>
          </li>
        ))}
        {breaks.predicates.map((p, i) => (
          <li key={`p:${i}:${p.text}`} data-break-predicate={p.text}>
            <span aria-hidden="true" className="bp-glyph">
              ?
            </span>{' '}
            <code>{p.text}</code>
            <button
              type="button"
              aria-label={`Remove breakpoint ${p.text}`}
              onClick={() => app().removeBreakPredicate(i)}
            >
              ✕
            </button>
          </li>
        ))}
        {breaks.steps.size + breaks.predicates.length === 0 ? (
          <li className="bp-empty">
            No breakpoints. Press b on a step or Shift+click a flow node.
          </li>
        ) : null}
      </ul>
    </section>
  );
}

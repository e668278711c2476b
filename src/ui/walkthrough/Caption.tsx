/** A caption with light emphasis, rendered as React elements (never as HTML). */
import { Fragment } from 'react';
import { captionTokens } from './emphasis.ts';

export function Caption({ text }: { text: string }) {
  return (
    <>
      {captionTokens(text).map((t, i) => {
        switch (t.kind) {
          case 'strong':
            return <strong key={i}>{t.text}</strong>;
          case 'em':
            return <em key={i}>{t.text}</em>;
          case 'code':
            return <code key={i}>{t.text}</code>;
          case 'break':
            return <br key={i} />;
          default:
            return <Fragment key={i}>{t.text}</Fragment>;
        }
      })}
    </>
  );
}

/**
 * Light emphasis for captions: `**strong**`, `*em*`, `` `code` ``, and blank-line paragraphs.
 * Produces tokens, never HTML: the renderer makes React elements from them, so a caption can
 * never inject markup or script.
 */
export type Token = { kind: 'text' | 'em' | 'strong' | 'code' | 'break'; text: string };

export function captionTokens(s: string): Token[] {
  const out: Token[] = [];
  const re = /\*\*([^*\n]+)\*\*|\*([^*\n]+)\*|`([^`\n]+)`|\n{2,}/g;
  let last = 0;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    if (m.index > last) out.push({ kind: 'text', text: s.slice(last, m.index) });
    if (m[1] !== undefined) out.push({ kind: 'strong', text: m[1] });
    else if (m[2] !== undefined) out.push({ kind: 'em', text: m[2] });
    else if (m[3] !== undefined) out.push({ kind: 'code', text: m[3] });
    else out.push({ kind: 'break', text: '' });
    last = m.index + m[0].length;
  }
  if (last < s.length) out.push({ kind: 'text', text: s.slice(last) });
  return out;
}

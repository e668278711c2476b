/**
 * The flow diagram as a standalone SVG (export "SVG" / "PNG"): the same swim-lane layout the
 * page draws (views/flow/layout.ts), the current step outlined, visited steps ticked, the
 * caption underneath. Plain SVG (no foreignObject, no external fonts or images) so a browser
 * can rasterize it onto a canvas without tainting it. Text is escaped — never markup.
 */
import type { PipelineView, TraceEvent } from '../../protocol/index.ts';
import { layoutPipeline, STEP_H, STEP_W, type LaidStep, type Side } from '../views/flow/layout.ts';

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) =>
    c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : c === '"' ? '&quot;' : '&apos;',
  );
}

function anchor(s: LaidStep, side: Side): [number, number] {
  switch (side) {
    case 'l':
      return [s.x, s.y + STEP_H / 2];
    case 'r':
      return [s.x + STEP_W, s.y + STEP_H / 2];
    case 't':
      return [s.x + STEP_W / 2, s.y];
    case 'b':
      return [s.x + STEP_W / 2, s.y + STEP_H];
  }
}

export interface DiagramState {
  /** The event at the cursor (its step is outlined). */
  current: TraceEvent | undefined;
  /** Steps of this pipeline reached before the cursor. */
  visited: ReadonlySet<string>;
  theme: 'light' | 'dark';
}

export function diagramSvg(p: PipelineView, state: DiagramState): string {
  const L = layoutPipeline(p);
  const dark = state.theme === 'dark';
  const fg = dark ? '#e6e6e6' : '#1b1b1b';
  const bg = dark ? '#16181d' : '#ffffff';
  const pad = 16;
  const captionH = 56;
  const W = Math.ceil(L.width + 2 * pad);
  const H = Math.ceil(L.height + 2 * pad + captionH);
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif" font-size="12">`,
  );
  parts.push(`<rect width="${W}" height="${H}" fill="${bg}"/>`);
  parts.push(`<title>${escapeXml(`${p.title} (${p.id})`)}</title>`);
  parts.push(`<g transform="translate(${pad},${pad})">`);
  for (const lane of L.lanes) {
    parts.push(
      `<rect x="${lane.x}" y="${lane.y}" width="${lane.w}" height="${lane.h}" rx="8" fill="hsl(${lane.hue} 60% ${dark ? 20 : 95}%)" stroke="hsl(${lane.hue} 40% 60%)"/>`,
      `<text x="${lane.x + 8}" y="${lane.y + 20}" font-weight="600" fill="${fg}">${escapeXml(lane.label)}</text>`,
    );
  }
  const byId = new Map(L.steps.map((s) => [s.id, s]));
  parts.push(`<g fill="none" stroke="${dark ? '#8a8f98' : '#7a7f88'}" stroke-width="1.2">`);
  for (const e of L.edges) {
    const a = byId.get(e.from);
    const b = byId.get(e.to);
    if (!a || !b) continue;
    const [x1, y1] = anchor(a, e.sourceSide);
    const [x2, y2] = anchor(b, e.targetSide);
    const dash = e.kind === 'message' ? ' stroke-dasharray="5 3"' : '';
    parts.push(`<path d="M${x1} ${y1} L${x2} ${y2}"${dash}/>`);
  }
  parts.push('</g>');
  const cur = state.current?.step;
  for (const s of L.steps) {
    const isCur = s.id === cur;
    const seen = state.visited.has(s.id);
    const stroke = isCur ? (dark ? '#ffd54a' : '#c2410c') : `hsl(${s.hue} 40% 55%)`;
    const glyph = isCur
      ? state.current?.phase === 'exit'
        ? '↩ '
        : state.current?.phase === 'enter'
          ? '→ '
          : '● '
      : seen
        ? '✓ '
        : '';
    parts.push(
      `<g data-step="${escapeXml(s.id)}"><rect x="${s.x}" y="${s.y}" width="${STEP_W}" height="${STEP_H}" rx="6" fill="hsl(${s.hue} 70% ${dark ? (seen || isCur ? 30 : 16) : seen || isCur ? 86 : 98}%)" stroke="${stroke}" stroke-width="${isCur ? 3 : 1}"${s.optional ? ' stroke-dasharray="3 2"' : ''}/>`,
      `<text x="${s.x + 8}" y="${s.y + STEP_H / 2 + 4}" fill="${fg}">${escapeXml(glyph + (s.label.length > 22 ? s.label.slice(0, 21) + '…' : s.label))}</text></g>`,
    );
  }
  parts.push('</g>');
  const ev = state.current;
  if (ev) {
    const line1 = `${ev.seq} · ${ev.actor} · ${ev.step} (${ev.phase}) · t=${ev.t} ns`;
    const line2 = ev.caption ?? p.steps.find((s) => s.id === ev.step)?.caption ?? '';
    parts.push(
      `<text x="${pad}" y="${H - captionH + 22}" font-weight="600" fill="${fg}">${escapeXml(line1)}</text>`,
      `<text x="${pad}" y="${H - captionH + 42}" fill="${fg}">${escapeXml(line2.length > 180 ? line2.slice(0, 179) + '…' : line2)}</text>`,
    );
  }
  parts.push('</svg>');
  return parts.join('\n');
}

/** PNG bytes of an SVG (browser only: Image + canvas). */
export async function svgToPng(svg: string, scale = 2): Promise<Blob> {
  const m = /width="(\d+)" height="(\d+)"/.exec(svg);
  const w = Number(m?.[1] ?? 800);
  const h = Number(m?.[2] ?? 600);
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = w * scale;
    canvas.height = h * scale;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas');
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob(
        (b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))),
        'image/png',
      ),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

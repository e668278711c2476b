// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { positionText, setAttr, setText } from './storePatch.ts';

describe('setText', () => {
  it('rewrites the one text node in place and skips equal text', () => {
    const el = document.createElement('output');
    el.textContent = '1 / 9';
    const node = el.firstChild;
    setText(el, '2 / 9');
    expect(el.textContent).toBe('2 / 9');
    // Same node: no child replaced.
    expect(el.firstChild).toBe(node);
    let writes = 0;
    const mo = new MutationObserver((r) => (writes += r.length));
    mo.observe(el, { characterData: true, childList: true, subtree: true });
    setText(el, '2 / 9');
    return new Promise<void>((done) =>
      setTimeout(() => {
        expect(writes).toBe(0);
        mo.disconnect();
        done();
      }, 0),
    );
  });

  it('replaces mixed content with the text', () => {
    const el = document.createElement('p');
    el.innerHTML = '<b>a</b>b';
    setText(el, 'c');
    expect(el.innerHTML).toBe('c');
  });
});

describe('setAttr', () => {
  it('sets, keeps and removes', () => {
    const el = document.createElement('input');
    setAttr(el, 'max', '5');
    expect(el.getAttribute('max')).toBe('5');
    setAttr(el, 'max', '5');
    expect(el.getAttribute('max')).toBe('5');
    setAttr(el, 'max', null);
    expect(el.hasAttribute('max')).toBe(false);
  });
});

describe('positionText', () => {
  it('shows cursor and last index, or a dash for an empty trace', () => {
    expect(positionText(0, 0)).toBe('–');
    expect(positionText(3, 10)).toBe('3 / 9');
  });
});

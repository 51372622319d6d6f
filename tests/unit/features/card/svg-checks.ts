/** Checks on a card's SVG that the card tests share. */
import { expect } from 'vitest';

/** Balanced tags, no stray "<" or "&" in text, one root: what an XML parser needs. */
export function expectWellFormed(svg: string): void {
  const stack: string[] = [];
  const tag = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<&]*(?:&#?\w+;[^"<&]*)*")*)\s*(\/?)>/y;
  let at = 0;
  while (at < svg.length) {
    if (svg[at] === '<') {
      tag.lastIndex = at;
      const match = tag.exec(svg);
      expect(match, `a valid tag at ${at}: ${svg.slice(at, at + 40)}`).not.toBeNull();
      const [whole, closing, name, , selfClosing] = match!;
      if (closing) expect(stack.pop()).toBe(name);
      else if (!selfClosing) stack.push(name!);
      at += whole.length;
    } else {
      const text = /[^<]*/y;
      text.lastIndex = at;
      const content = text.exec(svg)![0];
      expect(content.replace(/&(#\d+|#x[0-9a-f]+|amp|lt|gt|quot|apos);/gi, '')).not.toContain('&');
      at += content.length;
    }
  }
  expect(stack).toEqual([]);
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
}

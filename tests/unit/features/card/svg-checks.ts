/** Checks on a card's SVG that the card tests share. */
import { expect } from 'vitest';
import { styleOf, type TextKind } from '../../../../lib/features/card/draw';
import { textWidth } from '../../../../lib/features/card/text-width';

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

/** The attributes of the card's <svg> element. */
export function svgSize(svg: string): { width: number; height: number; viewBox: string } {
  const [, width, height, viewBox] = /^<svg[^>]* width="(\d+)" height="(\d+)" viewBox="([^"]+)"/.exec(svg) ?? [];
  return { width: Number(width), height: Number(height), viewBox: viewBox ?? '' };
}

export interface DrawnText {
  kind: TextKind;
  x: number;
  anchor: 'start' | 'middle' | 'end';
  /** As drawn, entities decoded. */
  text: string;
}

/** Every <text> of a card, with its kind (its first class), where it is anchored, and its words. */
export function textsOf(svg: string): DrawnText[] {
  return [...svg.matchAll(/<text x="([\d.]+)" y="[\d.]+"(?: text-anchor="(end|middle)")? class="(\w+)[^"]*">([^<]*)<\/text>/g)].map(([, x, anchor, kind, text]) => ({
    kind: kind as TextKind,
    x: Number(x),
    anchor: (anchor as 'end' | 'middle' | undefined) ?? 'start',
    text: text!.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))),
  }));
}

/** Where a text starts and ends on the x axis, by the card's own width estimate. */
export function extentOf({ kind, x, anchor, text }: DrawnText): { left: number; right: number } {
  const width = textWidth(text, styleOf(kind));
  const left = anchor === 'start' ? x : anchor === 'middle' ? x - width / 2 : x - width;
  return { left, right: left + width };
}

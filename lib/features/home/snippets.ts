/**
 * What the builder hands out for a card: its address, and the ready-to-copy HTML, Markdown and
 * <picture> that follows the reader's light or dark setting. Every address is absolute (the
 * snippets go on other sites); the HTML is escaped as HTML, the Markdown's text as Markdown.
 */
import { cardPath, type BuilderDefaults, type CardChoice } from './card-builder';

export interface Snippets {
  url: string;
  html: string;
  markdown: string;
  picture: string;
}

/** What the card shows, said for a reader who cannot see it. */
export function altText(choice: CardChoice, owner: string): string {
  if (choice.card === 'now-playing') return `What ${owner} is playing on Spotify`;
  if (choice.type === 'recent') return `What ${owner} played last on Spotify`;
  return `${owner}'s top ${choice.type} on Spotify`;
}

/** Text for a double-quoted attribute: what would end it or start markup escaped, an apostrophe left readable. */
const attribute = (text: string): string => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const markdownText = (text: string): string => text.replace(/[\\[\]]/g, (character) => `\\${character}`);

/** The snippets of `choice`'s card, served from `base` (the service's origin, no trailing slash). */
export function snippetsFor(base: string, choice: CardChoice, owner: string, defaults: BuilderDefaults = {}): Snippets {
  const url = `${base}/${cardPath(choice, defaults)}`;
  const alt = altText(choice, owner);
  const image = `![${markdownText(alt)}](${url})`;
  // The picture pair: the dark and the light theme, so no colour of one theme is forced on the other,
  // each named in its URL (an omitted theme would be the owner's default).
  const themed = (theme: 'light' | 'dark') => `${base}/${cardPath({ ...choice, theme, colours: {} }, { ...defaults, theme: null })}`;
  return {
    url,
    html: `<img src="${attribute(url)}" alt="${attribute(alt)}">`,
    // The now-playing card leads to what plays, as the README's snippet does.
    markdown: choice.card === 'now-playing' ? `[${image}](${base}/now-playing/open)` : image,
    picture: `<picture><source media="(prefers-color-scheme: dark)" srcset="${attribute(themed('dark'))}"><img src="${attribute(themed('light'))}" alt="${attribute(alt)}"></picture>`,
  };
}

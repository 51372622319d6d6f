/** The snippets the builder hands out: absolute addresses, escaped HTML and Markdown, and a light/dark <picture>. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CHOICE, readBuilder } from '../../../../lib/features/home/card-builder';
import { altText, snippetsFor } from '../../../../lib/features/home/snippets';

const BASE = 'https://api.example.org';
const choice = (params: Record<string, string>) => readBuilder(params).choice;

describe('snippetsFor', () => {
  it('hands out the card\'s absolute URL, as HTML and as Markdown', () => {
    const snippets = snippetsFor(BASE, choice({ type: 'tracks', theme: 'dark' }), 'Alex');
    expect(snippets.url).toBe(`${BASE}/card.svg?type=tracks&theme=dark`);
    expect(snippets.html).toBe(`<img src="${BASE}/card.svg?type=tracks&amp;theme=dark" alt="Alex's top tracks on Spotify">`);
    expect(snippets.markdown).toBe(`![Alex's top tracks on Spotify](${BASE}/card.svg?type=tracks&theme=dark)`);
  });

  it('pairs the dark and light themes in a <picture> that follows the reader\'s setting, other options kept, colours left out', () => {
    const snippets = snippetsFor(BASE, choice({ type: 'recent', theme: 'paper', bg: '#123', width: '500' }), 'Alex');
    expect(snippets.picture).toBe(
      `<picture><source media="(prefers-color-scheme: dark)" srcset="${BASE}/card.svg?type=recent&amp;theme=dark&amp;width=500">` +
        `<img src="${BASE}/card.svg?type=recent&amp;theme=light&amp;width=500" alt="What Alex played last on Spotify"></picture>`,
    );
  });

  it('links the now-playing card to what plays, in Markdown', () => {
    const snippets = snippetsFor(BASE, choice({ card: 'now-playing', radius: '4' }), 'Alex');
    expect(snippets.url).toBe(`${BASE}/now-playing.svg?radius=4`);
    expect(snippets.markdown).toBe(`[![What Alex is playing on Spotify](${BASE}/now-playing.svg?radius=4)](${BASE}/now-playing/open)`);
  });

  it('escapes a hostile name and title in every snippet', () => {
    const snippets = snippetsFor(BASE, choice({ title: '"><script>x</script>' }), '<b>"Eve"</b> [x](y)');
    expect(snippets.html).not.toContain('<script');
    expect(snippets.html).not.toContain('<b>');
    expect(snippets.html).toContain(`alt="&lt;b&gt;&quot;Eve&quot;&lt;/b&gt; [x](y)'s top artists on Spotify"`);
    expect(snippets.picture).not.toMatch(/<script|<b>/);
    expect(snippets.markdown).toBe(`![<b>"Eve"</b> \\[x\\](y)'s top artists on Spotify](${BASE}/card.svg?title=%22%3E%3Cscript%3Ex%3C%2Fscript%3E)`);
  });

  it('says what each card shows', () => {
    expect(altText(DEFAULT_CHOICE, 'Sam')).toBe("Sam's top artists on Spotify");
    expect(altText(choice({ card: 'now-playing' }), 'Sam')).toBe('What Sam is playing on Spotify');
  });
});

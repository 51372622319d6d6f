/**
 * The card builder as the home page draws it: a GET form back to the page with every option of
 * the cards (each field showing the value used, and a note when that is not what was asked), the
 * card it makes as a live preview, and the snippets to copy.
 */
import { html, type SafeHtml } from '../../http/html';
import {
  CARD_KINDS,
  CARD_THEMES,
  CARD_TYPES,
  COLOUR_FIELDS,
  NUMBER_FIELDS,
  TIME_RANGES,
  TITLE_MAX,
  cardPath,
  type BuilderField,
  type BuilderInput,
} from './card-builder';
import { altText, snippetsFor } from './snippets';

/** What the form calls each choice (its value is the card's parameter). */
const LABELS: Record<string, string> = {
  list: 'A list',
  'now-playing': 'Now playing',
  artists: 'Top artists',
  tracks: 'Top tracks',
  recent: 'Recently played',
  short_term: 'Last 4 weeks',
  medium_term: 'Last 6 months',
  long_term: 'About a year',
  light: 'Light',
  dark: 'Dark',
  spotify: 'Spotify',
  midnight: 'Midnight',
  paper: 'Paper',
  contrast: 'High contrast',
  '1': 'Yes',
  '0': 'No',
};

/** One field of the form: its label, the control, and the note about its value, if any. */
function field(name: BuilderField, label: string, control: (described: SafeHtml) => SafeHtml, input: BuilderInput): SafeHtml {
  const problem = input.problems[name];
  const described = problem ? html` aria-describedby="${name}-problem" aria-invalid="true"` : html``;
  return html`<div><label for="${name}">${label}</label>${control(described)}${problem ? html`<p class="problem" id="${name}-problem">${problem}</p>` : ''}</div>
`;
}

function select(name: BuilderField, label: string, values: readonly string[], chosen: string, input: BuilderInput): SafeHtml {
  return field(name, label, (described) => html`<select id="${name}" name="${name}"${described}>${values.map(
    (value) => html`<option value="${value}"${value === chosen ? html` selected` : ''}>${LABELS[value] ?? value}</option>`,
  )}</select>`, input);
}

function numberInput(name: keyof typeof NUMBER_FIELDS, label: string, value: number, input: BuilderInput): SafeHtml {
  const { min, max } = NUMBER_FIELDS[name];
  return field(name, `${label} (${min}–${max})`, (described) => html`<input id="${name}" name="${name}" type="number" min="${min}" max="${max}" step="1" value="${value}"${described}>`, input);
}

const COLOUR_LABELS: Record<(typeof COLOUR_FIELDS)[number], string> = { bg: 'Background', text: 'Text', accent: 'Accent' };

function builderForm(input: BuilderInput): SafeHtml {
  const { choice } = input;
  return html`<form action="./" method="get">
<fieldset>
<legend>Which card</legend>
<div class="fields">
${select('card', 'Card', CARD_KINDS, choice.card, input)}${select('type', 'List', CARD_TYPES, choice.type, input)}${select('time_range', 'Time range', TIME_RANGES, choice.timeRange, input)}${numberInput('limit', 'Rows', choice.limit, input)}</div>
<p class="hint">A list is card.svg: top artists or tracks over a time range, or the last plays (which have none). Now playing is now-playing.svg, which takes only the look.</p>
</fieldset>
<fieldset>
<legend>Its look</legend>
<div class="fields">
${select('theme', 'Theme', CARD_THEMES, choice.theme, input)}${COLOUR_FIELDS.map((name) =>
    field(name, `${COLOUR_LABELS[name]} colour`, (described) => html`<input id="${name}" name="${name}" type="text" maxlength="7" pattern="#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})" placeholder="the theme's" value="${choice.colours[name] ? `#${choice.colours[name]}` : ''}"${described}>`, input),
  )}${numberInput('width', 'Width in px', choice.width, input)}${numberInput('radius', 'Corner radius', choice.radius, input)}${select('images', 'Pictures', ['1', '0'], choice.images ? '1' : '0', input)}${select('border', 'Border', ['1', '0'], choice.border ? '1' : '0', input)}</div>
${field('title', `Title (at most ${TITLE_MAX} characters)`, (described) => html`<input id="title" name="title" type="text" maxlength="${TITLE_MAX}" placeholder="the card's own" value="${choice.title}"${described}>`, input)}<p class="hint">Colours are hex, like #1db954, and replace the theme's.</p>
</fieldset>
<button type="submit">Show this card</button>
</form>`;
}

function snippet(id: string, label: string, text: string, rows: number): SafeHtml {
  return html`<label for="${id}">${label}</label>
<textarea id="${id}" rows="${rows}" readonly spellcheck="false">${text}</textarea>
`;
}

/** The builder: its form, the card it makes (a live preview), and that card's snippets served from `base`. */
export function builder(input: BuilderInput, owner: string, base: string): SafeHtml {
  const { choice } = input;
  const snippets = snippetsFor(base, choice, owner, input.defaults);
  return html`<div class="wide columns">
<section aria-labelledby="make">
<h2 id="make">Make a card</h2>
${builderForm(input)}
</section>
<section aria-labelledby="preview">
<h2 id="preview">Preview</h2>
<p><img class="preview" src="${cardPath(choice, input.defaults)}" alt="Preview: ${altText(choice, owner)}"></p>
<h2>Copy</h2>
${snippet('snippet-url', 'The address', snippets.url, 3)}${snippet('snippet-html', 'HTML', snippets.html, 4)}${snippet('snippet-markdown', 'Markdown', snippets.markdown, 4)}${snippet('snippet-picture', 'HTML that follows the reader\'s light or dark setting (the dark and light themes)', snippets.picture, 6)}${base ? '' : html`<p class="hint">Put this service's address before each path.</p>`}
</section>
</div>`;
}

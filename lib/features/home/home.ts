/**
 * GET /: what this service is, whose listening it shows, and (once the owner is connected) a
 * card builder: a plain GET form back to this page (no script) whose answer is the card's live
 * preview and the snippets to copy. Links to every endpoint. Answers in every state of the
 * owner, a failed read of it included.
 */
import { html, page, type SafeHtml } from '../../http/html';
import {
  CARD_THEMES,
  CARD_TYPES,
  COLOUR_FIELDS,
  NUMBER_FIELDS,
  TIME_RANGES,
  TITLE_MAX,
  cardPath,
  readBuilder,
  type BuilderField,
  type BuilderInput,
  type CardChoice,
  type Params,
} from './card-builder';
import { altText, snippetsFor } from './snippets';
import type { Whose } from './whose';

const ENDPOINTS: [href: string, what: SafeHtml][] = [
  ['highlights', html`the owner's top artists, as JSON`],
  ['highlights?type=tracks', html`their top tracks`],
  ['card.svg', html`the top list as an image, for any page or README`],
  ['now-playing', html`what the owner plays now, or played last, as JSON`],
  ['now-playing.svg', html`the same as an image`],
  ['now-playing/open', html`opens what plays on Spotify`],
  ['recently-played', html`the last plays, as JSON`],
  ['status', html`whether Spotify is connected, and until when`],
  ['login', html`connect Spotify (the site's owner only)`],
];

function endpointList(): SafeHtml {
  return html`<h2>Endpoints</h2>
<ul>
${ENDPOINTS.map(([href, what]) => html`<li><a href="${href}"><code>/${href}</code></a>: ${what}</li>\n`)}<li><a href="owner">Owner's console</a>: for the site's owner</li>
</ul>`;
}

const connectButton = html`<p><a class="button" href="login">Connect Spotify</a></p>`;

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
${select('card', 'Card', ['list', 'now-playing'], choice.card, input)}${select('type', 'List', CARD_TYPES, choice.type, input)}${select('time_range', 'Time range', TIME_RANGES, choice.timeRange, input)}${numberInput('limit', 'Rows', choice.limit, input)}</div>
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

function builder(choice: CardChoice, input: BuilderInput, owner: string, base: string): SafeHtml {
  const snippets = snippetsFor(base, choice, owner);
  return html`<div class="wide columns">
<section aria-labelledby="make">
<h2 id="make">Make a card</h2>
${builderForm(input)}
</section>
<section aria-labelledby="preview">
<h2 id="preview">Preview</h2>
<p><img class="preview" src="${cardPath(choice)}" alt="Preview: ${altText(choice, owner)}"></p>
<h2>Copy</h2>
${snippet('snippet-url', 'The address', snippets.url, 3)}${snippet('snippet-html', 'HTML', snippets.html, 4)}${snippet('snippet-markdown', 'Markdown', snippets.markdown, 4)}${snippet('snippet-picture', 'HTML that follows the reader\'s light or dark setting (the dark and light themes)', snippets.picture, 6)}${base ? '' : html`<p class="hint">Put this service's address before each path.</p>`}
</section>
</div>`;
}

export interface HomeRequest {
  whose: Whose;
  /** The query: the builder's choices. */
  params: Params;
  /** The service's origin, '' when unknown (service-base.ts). */
  base: string;
}

export function homePage({ whose, params, base }: HomeRequest): string {
  const about = html`<p>This service shows the Spotify listening of this site's owner to any website: top artists and tracks, what plays now and the last plays, as JSON and as cards to embed.</p>`;
  if (whose.state === 'nobody') {
    return page(
      'Spotify highlights',
      html`${about}
<p>No Spotify account is connected yet.</p>
${connectButton}
${endpointList()}
<p class="muted">Connecting is for the site's owner: only the owner's Spotify account is accepted. <a href="status">/status</a> says whether it is connected.</p>`,
    );
  }
  if (whose.state === 'unknown') {
    return page(
      'Spotify highlights',
      html`${about}
<p>Whether Spotify is connected could not be read just now: try again in a moment.</p>
${connectButton}
${endpointList()}
<p class="muted">Connecting is for the site's owner: only the owner's Spotify account is accepted.</p>`,
      'warn',
    );
  }
  const input = readBuilder(params);
  return page(
    'Spotify highlights',
    html`<p>This is the Spotify listening of <strong>${whose.name}</strong>, for any website: top artists and tracks, what plays now and the last plays, as JSON and as cards to embed.</p>
${whose.reconnect ? html`<p class="problem">Spotify no longer accepts the stored authorization: the cards ask the owner to <a href="login">connect again</a>.</p>\n` : ''}${builder(input.choice, input, whose.name, base)}
${endpointList()}
<p class="muted">The cards follow the owner's listening as it changes; <a href="status">/status</a> says until when Spotify is connected.</p>`,
    whose.reconnect ? 'warn' : 'ok',
  );
}

/** The home route's errors (a method other than GET, say), as a short page. */
export function renderHomeError(answer: { status: number; message: string }): { statusCode: number; body: string } {
  return { statusCode: answer.status, body: page('That did not work', html`<p>${answer.message}</p><p><a href="./">Back to the start</a></p>`, 'warn') };
}

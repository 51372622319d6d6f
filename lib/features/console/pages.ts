/**
 * Every link is written from /owner/…'s folder up ("../login"), so it leads to the same place from
 * /owner and from /owner/disconnect.
 *
 * The console's pages: the owner's standing in words with the settings form (sent as JSON by a
 * small script, allowed by its hash: no 'unsafe-inline'), the page after disconnecting, and the
 * console's errors as short pages.
 */
import { html, page, pageHeaders, SafeHtml, type Tone } from '../../http/html';
import { THEME_NAMES } from '../../owner/settings';
import { TIME_RANGES } from '../../spotify/types';
import type { ConsoleView } from './console';
import { SETTINGS_SCRIPT } from './settings-script';

/** The console page's headers: its form goes to the service only, and its one script by hash. */
export const CONSOLE_HEADERS = pageHeaders({ formAction: 'self', scripts: [SETTINGS_SCRIPT] });

const when = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

const PERIODS: Record<(typeof TIME_RANGES)[number], string> = {
  short_term: 'the last 4 weeks',
  medium_term: 'the last 6 months',
  long_term: 'the last year',
};

function standingInWords({ status }: ConsoleView): { items: SafeHtml[]; tone: Tone } {
  const items: SafeHtml[] = [];
  let tone: Tone = 'ok';
  const name = status.owner?.displayName ?? status.owner?.spotifyUserId ?? '';
  items.push(html`<li>Connected as <strong>${name}</strong> (Spotify id <code>${status.owner?.spotifyUserId ?? ''}</code>) since ${when(status.authorizedAt ?? '')}.</li>`);
  if (status.reauthorizationRequired) {
    tone = 'stop';
    items.push(html`<li><strong>Spotify no longer accepts this authorization.</strong> Your cards ask visitors to wait: <a href="../login">connect again</a>.</li>`);
  } else if (status.warning) {
    tone = 'warn';
    items.push(html`<li><strong>${status.daysLeft} days left</strong>: Spotify ends this authorization on ${when(status.authorizationExpiresAt ?? '')}. <a href="../login">Connect again</a> to renew it for six months.</li>`);
  } else {
    items.push(html`<li>Spotify ends this authorization on ${when(status.authorizationExpiresAt ?? '')}, in ${status.daysLeft} days; you will be warned here from 14 days before.</li>`);
  }
  items.push(
    status.lastRefresh
      ? html`<li>The access token was last refreshed at ${when(status.lastRefresh.at)}: ${status.lastRefresh.outcome}.</li>`
      : html`<li>The access token has not needed a refresh yet.</li>`,
  );
  if (status.missingScopes.length) {
    if (tone === 'ok') tone = 'warn';
    items.push(html`<li>Spotify does not allow this site to read <code>${status.missingScopes.join(', ')}</code>, so some endpoints answer <code>scope_missing</code>. <a class="button" href="../login">Reconnect to allow it</a></li>`);
  } else {
    items.push(html`<li>Everything the endpoints need is allowed.</li>`);
  }
  items.push(
    status.rateLimitedUntil
      ? html`<li>Spotify asked the service to slow down until ${when(status.rateLimitedUntil)}: answers are served from the last good result meanwhile.</li>`
      : html`<li>Spotify has not asked the service to slow down.</li>`,
  );
  if (status.lastSpotifyError) items.push(html`<li>Last trouble with Spotify: ${status.lastSpotifyError.kind} at ${when(status.lastSpotifyError.at)}.</li>`);
  const { next, lastSent } = status.notices;
  const nextWords = next ? (next.title ? html`due now: “${next.title}”` : html`due from ${when(next.at)}, before Spotify’s end`) : html`none planned`;
  const lastWords = lastSent ? html`; the last one sent: “${lastSent.title}” at ${when(lastSent.at)} (${lastSent.channel})` : html`; none sent yet`;
  items.push(html`<li>Notices to you: the next is ${nextWords}${lastWords}.</li>`);
  return { items, tone };
}

/** A refresh interval for people: "15 s", "2 min 19 s", "1 h 5 min". */
export function every(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min${seconds % 60 ? ` ${seconds % 60} s` : ''}`;
  const minutes = Math.round((seconds % 3600) / 60);
  return `${Math.floor(seconds / 3600)} h${minutes ? ` ${minutes} min` : ''}`;
}

/** The day's Spotify budget in words: what is spent, how fresh each feature is now, and Spotify's quota. */
function budgetInWords({ status }: ConsoleView): { items: SafeHtml[]; spent: boolean } {
  const { budget } = status;
  const items: SafeHtml[] = [];
  if (budget.message) items.push(html`<li><strong>${budget.message}</strong> Every container waits; you get one notice per lockout.</li>`);
  items.push(
    html`<li>Spotify calls in the last 24 hours: ${budget.spent} of ${budget.daily} (<code>SPOTIFY_DAILY_BUDGET</code>); your visitors' part: ${budget.public.spent} of ${budget.public.allowed}, and ${budget.reserves.refresh.allowed + budget.reserves.owner.allowed + budget.reserves.collector.allowed} kept for token refreshes, your own actions and the history's collector.</li>`,
  );
  const recent = budget.recentlyPlayedFrom === 'history' ? html`recently played comes from your listening history, collected every ${every(budget.intervals.recentlyPlayed)}` : html`recently played every ${every(budget.intervals.recentlyPlayed)}`;
  items.push(html`<li>So that the day's calls stay inside it, now playing refreshes every ${every(budget.intervals.nowPlaying)}, the top lists every ${every(budget.intervals.topLists)}, and ${recent}.</li>`);
  return { items, spent: Boolean(budget.quota) };
}

function options<T extends string>(values: readonly T[], chosen: T, label: (value: T) => string = (value) => value): SafeHtml[] {
  return values.map((value) => html`<option value="${value}"${value === chosen ? html` selected` : html``}>${label(value)}</option>`);
}

function settingsForm({ settings, topArtists }: ConsoleView): SafeHtml {
  const checked = (on: boolean) => (on ? html` checked` : html``);
  const picks = topArtists.length
    ? html`<fieldset><legend>Hide one of your top artists now</legend>
<div class="picks">
${topArtists.map((artist) => html`<label><input type="checkbox" name="hide" value="${artist.id}"> ${artist.name}</label>\n`)}</div>
</fieldset>`
    : html``;
  return html`<form id="settings" method="post" action="../owner/settings">
<h2>Settings</h2>
${picks}
<label for="hiddenArtists">Hidden artists (Spotify ids or links, one per line)</label>
<textarea id="hiddenArtists" name="hiddenArtists" rows="3">${settings.hiddenArtists.join('\n')}</textarea>
<label for="hiddenTracks">Hidden tracks (Spotify ids or links, one per line)</label>
<textarea id="hiddenTracks" name="hiddenTracks" rows="3">${settings.hiddenTracks.join('\n')}</textarea>
<label><input type="checkbox" name="hideExplicit"${checked(settings.hideExplicit)}> Hide explicit tracks</label>
<label><input type="checkbox" name="cleanTitles"${checked(settings.cleanTitles)}> Clean titles (drop “ - Remastered 2011” and the like)</label>
<fieldset><legend>Defaults, when a request does not say</legend>
<label for="timeRange">Period</label>
<select id="timeRange" name="timeRange">${options(TIME_RANGES, settings.defaults.timeRange, (range) => PERIODS[range])}</select>
<label for="limit">How many items</label>
<input id="limit" name="limit" type="number" min="1" max="10" value="${settings.defaults.limit}">
<label for="theme">Card theme</label>
<select id="theme" name="theme">${options(THEME_NAMES, settings.defaults.theme)}</select>
</fieldset>
<p><button type="submit">Save settings</button> <span id="saved" role="status"></span></p>
<noscript><p>Saving needs JavaScript; or send the settings as JSON: <code>PUT /owner/settings</code>.</p></noscript>
</form>`;
}

export function consolePage(view: ConsoleView): string {
  const { items, tone } = standingInWords(view);
  const budget = budgetInWords(view);
  return page(
    'Your console',
    html`<ul>
${items.map((item) => html`${item}\n`)}</ul>
<h2>Spotify's daily calls</h2>
<ul>
${budget.items.map((item) => html`${item}\n`)}</ul>
${settingsForm(view)}
<h2>Disconnect</h2>
<form method="post" action="../owner/disconnect">
<p>Deletes your tokens, your settings and everything kept of your listening here, the listening history included. Your site then shows nothing until you connect again.</p>
<p><label><input type="checkbox" name="keepHistory" value="yes"> Keep my listening history: <code>/history</code> and its card go on showing it, and it is there when I connect again.</label></p>
<p><button type="submit" name="confirm" value="yes">Disconnect Spotify</button></p>
</form>
<p class="muted"><a href="../">Home</a> · <a href="../status">/status</a> · <a href="../owner/settings">/owner/settings</a> (JSON)</p>
<script>${new SafeHtml(SETTINGS_SCRIPT)}</script>`,
    budget.spent && tone === 'ok' ? 'warn' : tone,
  );
}

export function disconnectedPage(keptHistory: boolean): string {
  const deleted = keptHistory
    ? html`<p>The service deleted your tokens, your settings, the last results it kept of your listening, pending sign-ins and every session. <strong>It kept your listening history</strong>, as you asked: <code>/history</code> and its card still show it. To delete it too, connect again and disconnect without keeping it.</p>`
    : html`<p>The service deleted your tokens, your settings, everything it kept of your listening (your listening history included), pending sign-ins and every session.</p>`;
  return page(
    'Spotify is disconnected',
    html`${deleted}
<p>It keeps only its count of the day's Spotify calls, which is your app's, not yours, so that connecting again cannot overrun Spotify's quota.</p>
<p>Spotify still lists this app as allowed for your account: remove it there too, under <a href="https://www.spotify.com/account/apps/">Manage apps</a>.</p>
<p><a class="button" href="../">Back to the start</a></p>`,
    'info',
  );
}

/** Sends the form below at once: the next part of the history is deleted without a click. */
const GO_ON_SCRIPT = "document.getElementById('go-on').submit();";
export const HISTORY_LEFT_HEADERS = pageHeaders({ formAction: 'self', scripts: [GO_ON_SCRIPT] });

/**
 * A disconnect that has deleted part of a long listening history in the time one request has:
 * nothing else is deleted yet and the owner is still connected; the page goes on by itself (its
 * form, sent by its script), or with the button.
 */
export function historyLeftPage(deleted: number): string {
  return page(
    'Still deleting your listening history',
    html`<p>${deleted.toLocaleString('en-US')} more items of your listening history are deleted: there is more than one request can delete, so this page goes on by itself until it is all gone. Nothing else is deleted yet, and you are still connected.</p>
<form id="go-on" method="post" action="../owner/disconnect">
<p><button type="submit" name="confirm" value="yes">Go on disconnecting</button></p>
</form>
<p><a href="../owner">Back to your console</a></p>
<script>${new SafeHtml(GO_ON_SCRIPT)}</script>`,
    'info',
  );
}

/** The console's errors as short pages (a refused cross-site request, no session, a store that does not answer). */
export function renderConsoleError(answer: { status: number; code: string; message: string }): { statusCode: number; body: string } {
  const next = answer.code === 'no_session' ? html`<p><a class="button" href="../login">Sign in with Spotify</a></p>` : html`<p><a href="../owner">Back to your console</a></p>`;
  return { statusCode: answer.status, body: page(answer.status >= 500 ? 'Something went wrong' : 'That did not work', html`<p>${answer.message}</p>${next}`, 'warn') };
}

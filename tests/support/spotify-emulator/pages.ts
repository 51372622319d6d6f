// HTML for the emulated accounts.spotify.com/authorize pages.
import type { AuthorizeRequest, UserSpec } from './types';

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head>
<body><header><strong>Spotify (emulated)</strong></header>
${body}
</body></html>
`;
}

/** Spotify shows authorize errors like "INVALID_CLIENT: Invalid redirect URI" on a plain page. */
export function errorPage(message: string): string {
  return page('Error', `<main><h1>Oops! Something went wrong</h1><p class="error">${escape(message)}</p></main>`);
}

export function consentPage(request: AuthorizeRequest, user: UserSpec | undefined): string {
  const hidden: Record<string, string | undefined> = {
    client_id: request.clientId,
    response_type: 'code',
    redirect_uri: request.redirectUri,
    scope: request.scopes.join(' '),
    state: request.state,
    show_dialog: request.showDialog ? 'true' : undefined,
  };
  const fields = Object.entries(hidden)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${escape(value)}">`)
    .join('\n');
  const scopes = request.scopes.length
    ? `<ul>${request.scopes.map((s) => `<li data-scope="${escape(s)}">${escape(s)}</li>`).join('')}</ul>`
    : '<p>No extra permissions.</p>';
  const who = user ? `${escape(user.displayName ?? user.id)} (<span data-user-id>${escape(user.id)}</span>)` : 'nobody';
  return page(`Authorize ${request.appName}`, `<main>
<h1>${escape(request.appName)} wants to access your account</h1>
<p>Signed in as ${who}</p>
${scopes}
<form method="post" action="/authorize/decision">
${fields}
<button type="submit" name="decision" value="accept">Accept</button>
<button type="submit" name="decision" value="cancel">Cancel</button>
</form>
</main>`);
}

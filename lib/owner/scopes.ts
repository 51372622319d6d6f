/**
 * What the service asks the owner to allow, and what each listening source needs of it. An owner
 * who authorized before a scope was added keeps what they had: the sources that need the new one
 * answer scope_missing (decided from the stored scopes, without asking Spotify) until they
 * connect again.
 */
export const TOP_READ = 'user-top-read';
export const CURRENTLY_PLAYING = 'user-read-currently-playing';
export const RECENTLY_PLAYED = 'user-read-recently-played';

export const SCOPES: readonly string[] = [TOP_READ, CURRENTLY_PLAYING, RECENTLY_PLAYED];

/** The scopes the service asks for that `granted` lacks, or that Spotify refused despite the grant. */
export function missingScopes(granted: readonly string[], refused: readonly string[] = []): string[] {
  return SCOPES.filter((scope) => !granted.includes(scope) || refused.includes(scope));
}

/** The endpoints that answer scope_missing without each scope, for the owner's notices and console. */
export const ENDPOINTS_NEEDING: Record<string, readonly string[]> = {
  [TOP_READ]: ['/highlights', '/card.svg'],
  [CURRENTLY_PLAYING]: ['/now-playing', '/now-playing.svg', '/now-playing/open'],
  [RECENTLY_PLAYED]: ['/recently-played', '/card.svg?type=recent'],
};

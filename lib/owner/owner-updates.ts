/**
 * The conditional writes to the owner's item after a bind: refreshed tokens, and the marks of
 * trouble every container honours (re-authorization required, a Retry-After, a failing token
 * endpoint's back-off). Each says what it is conditional on and why.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionally, send } from '../platform/table';
import { OWNER_KEY, ownerKeyOf, type OwnerRecord, type SpotifyTrouble } from './owner-store';

export interface RefreshedTokens {
  accessToken: string;
  accessTokenExpiresAt: number;
  /** Only when Spotify rotated it; an empty or missing one never replaces the stored token. */
  refreshToken?: string;
}

type Values = Record<string, unknown>;

/** One conditional update of the owner's item: the new item, or undefined when the condition failed. */
async function update(expression: string, condition: string, values: Values): Promise<OwnerRecord | undefined> {
  let updated: OwnerRecord | undefined;
  await conditionally(async () => {
    const { Attributes } = await send<{ Attributes?: OwnerRecord }>((TableName) =>
      new UpdateCommand({
        TableName,
        Key: OWNER_KEY,
        UpdateExpression: expression,
        ConditionExpression: condition,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    updated = Attributes;
  });
  return updated;
}

/**
 * The item is still as `seen` left it: the same version and the same authorization. The version
 * alone is not enough: an owner item deleted by hand starts again at version 1 with the next bind.
 */
function unchangedSince(seen: OwnerRecord): { condition: string; values: Values } {
  return {
    condition: 'version = :version AND (authorizationId = :authorization OR (attribute_not_exists(authorizationId) AND authorizedAt = :authorization))',
    values: { ':version': seen.version, ':authorization': ownerKeyOf(seen).authorization },
  };
}

function tokenWrite(tokens: RefreshedTokens): { sets: string; values: Values } {
  const rotate = Boolean(tokens.refreshToken);
  return {
    sets:
      'SET accessToken = :access, accessTokenExpiresAt = :expires, updatedAt = :now, lastRefreshAt = :now, ' +
      'lastRefreshOutcome = :ok, version = version + :one' +
      (rotate ? ', refreshToken = :refresh' : ''),
    values: {
      ':access': tokens.accessToken,
      ':expires': tokens.accessTokenExpiresAt,
      ':now': new Date().toISOString(),
      ':ok': 'ok',
      ':one': 1,
      ...(rotate ? { ':refresh': tokens.refreshToken } : {}),
    },
  };
}

/**
 * Stores refreshed tokens (a rotated refresh token in the same atomic write) if nobody changed
 * the item since it was `seen`. Returns the new record, or undefined when another writer (a newer
 * refresh, the owner logging in again, a refusal marked) got there first.
 */
export async function saveRefreshedTokens(seen: OwnerRecord, tokens: RefreshedTokens): Promise<OwnerRecord | undefined> {
  const { sets, values } = tokenWrite(tokens);
  const { condition, values: expected } = unchangedSince(seen);
  return update(`${sets} REMOVE lastSpotifyError, refreshFailures, refreshRetryAt, refreshFailingSince`, condition, { ...values, ...expected });
}

/**
 * Stores tokens that an earlier write could not, as long as the item still holds the refresh
 * token they were refreshed from (so nothing newer was stored and the owner did not log in
 * again). With a rotated refresh token, a refusal marked meanwhile came from using the older one,
 * which Spotify dropped when it rotated it: the newer one still works, so the mark is cleared.
 * Without a rotation a refusal stands, and the tokens (of the refused authorization) are not stored.
 */
export async function saveUnsavedTokens(refreshedFrom: string, tokens: RefreshedTokens): Promise<OwnerRecord | undefined> {
  const { sets, values } = tokenWrite(tokens);
  const rotated = Boolean(tokens.refreshToken);
  return update(
    `${sets} REMOVE lastSpotifyError, refreshFailures, refreshRetryAt, refreshFailingSince${rotated ? ', reauthRequired' : ''}`,
    rotated ? 'refreshToken = :from' : 'refreshToken = :from AND attribute_not_exists(reauthRequired)',
    { ...values, ':from': refreshedFrom },
  );
}

/**
 * Spotify refused the refresh token read in `seen`: mark it, unless the item changed meanwhile
 * (the owner logged in again). The version moves, so a refresh that started before the refusal
 * cannot store over the mark.
 */
export async function markReauthRequired(seen: OwnerRecord): Promise<OwnerRecord | undefined> {
  const now = new Date().toISOString();
  const { condition, values } = unchangedSince(seen);
  return update(
    'SET reauthRequired = :yes, lastRefreshAt = :now, lastRefreshOutcome = :outcome, lastSpotifyError = :trouble, version = version + :one',
    condition,
    { ':yes': true, ':now': now, ':outcome': 'invalid_grant', ':trouble': { kind: 'invalid_grant', status: 400, at: now }, ':one': 1, ...values },
  );
}

/**
 * The token endpoint failed (5xx, timeout, malformed answer) for the refresh token read in `seen`:
 * no container calls it again before `retryAt`. Conditional on the item being unchanged, so a
 * failure cannot hold back tokens stored since, nor another authorization.
 */
export async function recordRefreshFailure(seen: OwnerRecord, trouble: SpotifyTrouble, retryAt: number): Promise<OwnerRecord | undefined> {
  const { condition, values } = unchangedSince(seen);
  return update(
    'SET lastSpotifyError = :trouble, lastRefreshAt = :at, lastRefreshOutcome = :kind, refreshFailures = if_not_exists(refreshFailures, :zero) + :one, refreshRetryAt = :retryAt, refreshFailingSince = if_not_exists(refreshFailingSince, :at)',
    condition,
    { ':trouble': trouble, ':at': trouble.at, ':kind': trouble.kind, ':zero': 0, ':one': 1, ':retryAt': retryAt, ...values },
  );
}

/**
 * Spotify refused this authorization's token for `scope` (again after one refresh): the sources
 * that need it answer scope_missing without asking, until the owner connects again (a bind
 * clears the list). Conditional on the authorization, and on the scope not being listed already.
 */
export async function recordRefusedScope(seen: OwnerRecord, scope: string): Promise<OwnerRecord | undefined> {
  return update(
    'SET refusedScopes = list_append(if_not_exists(refusedScopes, :none), :scope)',
    '(authorizationId = :authorization OR (attribute_not_exists(authorizationId) AND authorizedAt = :authorization)) AND NOT contains(refusedScopes, :name)',
    { ':none': [], ':scope': [scope], ':name': scope, ':authorization': ownerKeyOf(seen).authorization },
  );
}

/**
 * Records a Spotify failure for /status, and Spotify's Retry-After as a "not before" time that
 * every container honours (only ever moved later). Token fields are not touched.
 */
export async function recordSpotifyTrouble(trouble: SpotifyTrouble, options: { notBefore?: number; refreshFailed?: boolean } = {}): Promise<void> {
  const { notBefore, refreshFailed } = options;
  const sets = ['lastSpotifyError = :trouble'];
  if (notBefore !== undefined) sets.push('notBefore = :notBefore');
  if (refreshFailed) sets.push('lastRefreshAt = :at', 'lastRefreshOutcome = :kind');
  await update(
    `SET ${sets.join(', ')}`,
    'attribute_exists(pk)' + (notBefore !== undefined ? ' AND (attribute_not_exists(notBefore) OR notBefore < :notBefore)' : ''),
    {
      ':trouble': trouble,
      ...(notBefore !== undefined ? { ':notBefore': notBefore } : {}),
      ...(refreshFailed ? { ':at': trouble.at, ':kind': trouble.kind } : {}),
    },
  );
}

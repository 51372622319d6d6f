/**
 * The owner's settings: what the public answers leave out or tidy, and the defaults a query that
 * omits a parameter gets. Kept on the owner's item (`settings`, with `settingsOwner` naming whose
 * they are and `settingsVersion` bumped by every change), so the snapshot every container keeps of
 * the owner (standing.ts) carries them, and a change is seen everywhere within OWNER_RECHECK_SECONDS.
 * Settings saved by one account never apply to another that takes the site over.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { InvalidRequest, NotAuthorized } from '../platform/errors';
import { conditionally, send } from '../platform/table';
import { TIME_RANGES, type TimeRange } from '../spotify/types';
import { OWNER_KEY, type OwnerRecord } from './owner-store';

/** The card themes a default may name (the card draws them: features/card/draw.ts, checked by a test). */
export const THEME_NAMES = ['light', 'dark', 'spotify', 'midnight', 'paper', 'contrast'] as const;
export type ThemeName = (typeof THEME_NAMES)[number];

export interface OwnerSettings {
  hiddenArtists: string[];
  hiddenTracks: string[];
  hideExplicit: boolean;
  cleanTitles: boolean;
  defaults: { timeRange: TimeRange; limit: number; theme: ThemeName };
}

export const DEFAULT_SETTINGS: OwnerSettings = {
  hiddenArtists: [],
  hiddenTracks: [],
  hideExplicit: false,
  cleanTitles: false,
  defaults: { timeRange: 'short_term', limit: 5, theme: 'light' },
};

/** The most ids each hidden list holds: far more than a 50-item page can show. */
export const MAX_HIDDEN = 200;

const spotifyId = (field: string) =>
  z.string({ error: `${field} must hold Spotify ids (letters and digits).` }).check(z.regex(/^[0-9A-Za-z]{1,64}$/, { error: `${field} must hold Spotify ids (letters and digits).` }));

const idList = (field: string) =>
  z.array(spotifyId(field), { error: `${field} must be a list of Spotify ids.` }).check(z.maxLength(MAX_HIDDEN, { error: `${field} holds at most ${MAX_HIDDEN} ids.` }));

const flag = (field: string) => z.boolean({ error: `${field} must be true or false.` });

const schema = z.strictObject(
  {
    hiddenArtists: idList('hiddenArtists'),
    hiddenTracks: idList('hiddenTracks'),
    hideExplicit: flag('hideExplicit'),
    cleanTitles: flag('cleanTitles'),
    defaults: z.strictObject(
      {
        timeRange: z.enum(TIME_RANGES, { error: `defaults.timeRange must be one of ${TIME_RANGES.join(', ')}.` }),
        limit: z.number({ error: 'defaults.limit must be a whole number from 1 to 10.' }).check(
          z.int({ error: 'defaults.limit must be a whole number from 1 to 10.' }),
          z.minimum(1, { error: 'defaults.limit must be a whole number from 1 to 10.' }),
          z.maximum(10, { error: 'defaults.limit must be a whole number from 1 to 10.' }),
        ),
        theme: z.enum(THEME_NAMES, { error: `defaults.theme must be one of ${THEME_NAMES.join(', ')}.` }),
      },
      { error: (issue) => (issue.code === 'unrecognized_keys' ? `defaults has no field ${issue.keys.join(', ')}.` : 'defaults must be an object.') },
    ),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `The settings have no field ${issue.keys.join(', ')}.` : 'The settings must be a JSON object with every field (GET /owner/settings shows them).',
  },
);

/** A body sent to PUT /owner/settings, whole: an InvalidRequest naming the first field that does not fit. */
export function parseSettings(body: unknown): OwnerSettings {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new InvalidRequest('invalid_settings', parsed.error.issues[0]?.message ?? 'The settings are not valid.');
  const settings = parsed.data;
  const dedupe = (ids: string[]) => [...new Set(ids)];
  return { ...settings, hiddenArtists: dedupe(settings.hiddenArtists), hiddenTracks: dedupe(settings.hiddenTracks) };
}

/** The settings the item holds for its current owner; the defaults when none (or another account's). */
export function settingsOf(owner: Pick<OwnerRecord, 'spotifyUserId' | 'settings' | 'settingsOwner'>): OwnerSettings {
  if (!owner.settings || owner.settingsOwner !== owner.spotifyUserId) return DEFAULT_SETTINGS;
  const parsed = schema.safeParse(owner.settings);
  return parsed.success ? parsed.data : DEFAULT_SETTINGS;
}

/**
 * Stores `settings` for `spotifyUserId`, only while that account is the owner (a request racing a
 * hand-over or a disconnect stores nothing); NotAuthorized otherwise. Answers the new version.
 */
export async function saveSettings(spotifyUserId: string, settings: OwnerSettings): Promise<number> {
  let version = 0;
  const saved = await conditionally(async () => {
    const { Attributes } = await send<{ Attributes?: Partial<OwnerRecord> }>((TableName) =>
      new UpdateCommand({
        TableName,
        Key: OWNER_KEY,
        UpdateExpression: 'SET settings = :settings, settingsOwner = :id, settingsVersion = if_not_exists(settingsVersion, :zero) + :one',
        ConditionExpression: 'spotifyUserId = :id',
        ExpressionAttributeValues: { ':settings': settings, ':id': spotifyUserId, ':zero': 0, ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    version = Attributes?.settingsVersion ?? 0;
  });
  if (!saved) throw new NotAuthorized();
  return version;
}

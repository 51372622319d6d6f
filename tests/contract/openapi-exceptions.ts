/**
 * Where Spotify's OpenAPI document (../shared/spotify-openapi.yml) and what Spotify really sends
 * differ, one named exception each, with its reason (mostly ../shared/spotify-web-api.md). Each
 * patches only the schema paths it names, in the document's own terms, and first checks that the
 * document still says what the exception assumes: when Spotify fixes its document, the exception
 * fails instead of hiding the change.
 *
 * They are applied in this order (later ones may patch what an earlier one made).
 *
 * Two kinds: the document is wrong or stricter than Spotify (a 204 it does not list, nulls it does
 * not allow), and the document is looser than Spotify (fields every real answer carries, which it
 * does not require): those are required here, so the emulator cannot drop one unnoticed.
 */
export type Json = Record<string, unknown>;

export interface DocumentException {
  name: string;
  reason: string;
  apply(doc: Json): void;
}

/** The object at `path` in the document, or an error that names the path. */
export function at(doc: Json, path: string[]): Json {
  let node: unknown = doc;
  for (const key of path) node = (node as Json | undefined)?.[key];
  if (typeof node !== 'object' || node === null) throw new Error(`The document has no ${path.join(' › ')}`);
  return node as Json;
}

function still(condition: boolean, what: string): void {
  if (!condition) throw new Error(`The document no longer ${what}: this exception no longer applies`);
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const schema = (name: string) => ['components', 'schemas', name];
const getOf = (path: string) => ['paths', path, 'get'];
const CURRENTLY_PLAYING = '/me/player/currently-playing';
/** currently-playing's own object: see 'currently-playing is not the playback state'. */
const CURRENTLY_PLAYING_OBJECT = 'CurrentlyPlayingObject';

/** `property` of `object` may also be null; the document's type stays as it is. */
function orNull(doc: Json, object: string[], property: string): void {
  const properties = at(doc, [...object, 'properties']);
  const declared = at(properties, [property]);
  still(declared.nullable !== true, `keeps ${[...object, property].join(' › ')} from being null`);
  properties[property] = { anyOf: [declared, { enum: [null] }] };
}

/** Adds `fields` to what `object` requires (after checking each is a property it describes). */
function requireFields(doc: Json, object: string[], fields: string[]): void {
  const target = at(doc, object);
  const properties = at(target, ['properties']);
  for (const field of fields) still(field in properties, `describes ${[...object, field].join(' › ')}`);
  const required = (target.required as string[] | undefined) ?? [];
  target.required = [...new Set([...required, ...fields])];
}

export const DOCUMENT_EXCEPTIONS: DocumentException[] = [
  {
    name: 'currently-playing answers 204',
    reason: 'Nothing playing, or a private session: Spotify answers 204 with an empty body (spotify-web-api.md); the document lists no 204 for currently-playing.',
    apply(doc) {
      const responses = at(doc, [...getOf(CURRENTLY_PLAYING), 'responses']);
      still(!('204' in responses), 'lists no 204 for currently-playing');
      responses['204'] = { description: 'Nothing is playing, or the user is in a private session' };
    },
  },
  {
    name: 'currently-playing is not the playback state',
    reason: 'The document points currently-playing at the playback-state object of /me/player (device, repeat_state, shuffle_state); currently-playing answers carry none of those (spotify-web-api.md lists its fields). The service calls only currently-playing, so it must never need them.',
    apply(doc) {
      const responses = at(doc, [...getOf(CURRENTLY_PLAYING), 'responses']);
      still(at(responses, ['200']).$ref === '#/components/responses/OneCurrentlyPlayingTrack', 'answers currently-playing with OneCurrentlyPlayingTrack');
      const playbackState = at(doc, ['components', 'responses', 'OneCurrentlyPlayingTrack', 'content', 'application/json', 'schema']);
      still(playbackState.$ref === '#/components/schemas/CurrentlyPlayingContextObject', 'describes currently-playing with CurrentlyPlayingContextObject');
      const own = structuredClone(at(doc, schema('CurrentlyPlayingContextObject')));
      const properties = at(own, ['properties']);
      for (const field of ['device', 'repeat_state', 'shuffle_state']) {
        still(field in properties, `lists ${field} in CurrentlyPlayingContextObject`);
        properties[field] = false;
      }
      at(doc, ['components', 'schemas'])[CURRENTLY_PLAYING_OBJECT] = own;
      responses['200'] = { description: 'What plays now', content: { 'application/json': { schema: ref(CURRENTLY_PLAYING_OBJECT) } } };
    },
  },
  {
    name: 'actions nest disallows',
    reason: 'Real answers nest the disallowed actions as actions.disallows (spotify-web-api.md, observed); the document shows them flat under actions.',
    apply(doc) {
      const properties = at(doc, [...schema(CURRENTLY_PLAYING_OBJECT), 'properties']);
      const actions = at(properties, ['actions']);
      still(JSON.stringify(actions.allOf) === JSON.stringify([ref('DisallowsObject')]), 'shows actions as a flat DisallowsObject');
      properties.actions = { type: 'object', required: ['disallows'], properties: { disallows: ref('DisallowsObject') } };
    },
  },
  {
    name: 'currently-playing: context, progress_ms and item may be null',
    reason: 'The document\'s own descriptions say "Can be `null`" but its schemas do not allow it; an ad, and an episode not asked for with additional_types, come with item null (spotify-web-api.md).',
    apply(doc) {
      for (const field of ['context', 'progress_ms', 'item']) orNull(doc, schema(CURRENTLY_PLAYING_OBJECT), field);
    },
  },
  {
    name: 'play history: context may be null',
    reason: 'A play\'s context is nullable (spotify-web-api.md), as it is for currently-playing; the document does not allow null.',
    apply(doc) {
      orNull(doc, schema('PlayHistoryObject'), 'context');
    },
  },
  {
    name: 'recently-played: next and cursors may be null',
    reason: 'An empty history answers cursors: null and next: null, and the last page next: null (spotify-web-api.md); the document types next as a string ("null if none") and cursors as an object.',
    apply(doc) {
      for (const field of ['next', 'cursors']) orNull(doc, schema('CursorPagingObject'), field);
    },
  },
  {
    name: '/me: display_name may be null',
    reason: 'display_name is nullable (spotify-web-api.md; the document\'s description says "null if not available"), but its schema is a plain string.',
    apply(doc) {
      orNull(doc, schema('PrivateUserObject'), 'display_name');
    },
  },
  {
    name: 'deprecated fields the document still requires',
    reason: 'The document marks these deprecated, the fields Spotify removed for development-mode apps in February 2026, yet still lists them as required. spotify-web-api.md: never depend on removed fields; the emulator, answering as to a development-mode app, sends none of them.',
    apply(doc) {
      const fields: [string, string][] = [['AlbumBase', 'available_markets'], ['ShowBase', 'available_markets'], ['ShowBase', 'publisher'], ['EpisodeBase', 'audio_preview_url']];
      for (const [object, field] of fields) {
        const target = at(doc, schema(object));
        const required = (target.required as string[] | undefined) ?? [];
        still(required.includes(field) && at(target, ['properties', field]).deprecated === true, `requires the deprecated ${object} › ${field}`);
        target.required = required.filter((name) => name !== field);
      }
    },
  },
  {
    name: 'bad parameters answer 400',
    reason: 'Spotify answers bad parameters (e.g. "Invalid limit") with 400 in its error shape (spotify-web-api.md); the document lists no 400 for these endpoints.',
    apply(doc) {
      for (const path of ['/me/top/{type}', '/me/player/recently-played', CURRENTLY_PLAYING]) {
        const responses = at(doc, [...getOf(path), 'responses']);
        still(!('400' in responses), `lists no 400 for ${path}`);
        responses['400'] = { $ref: '#/components/responses/BadRequest' };
      }
    },
  },
  {
    name: 'a user not in User Management gets a plain-text 403',
    reason: 'The Web API refuses a user the development-mode app does not list with 403 "User not registered in the Developer Dashboard", sometimes as plain text (spotify-web-api.md, observed); the emulator sends that form, the harder one for a client. The document\'s 403 is JSON only.',
    apply(doc) {
      const content = at(doc, ['components', 'responses', 'Forbidden', 'content']);
      still(Object.keys(content).join() === 'application/json', 'describes 403 as JSON only');
      content['text/plain'] = { schema: { type: 'string', enum: ['User not registered in the Developer Dashboard'] } };
    },
  },
  {
    name: 'currently-playing: the fields every answer carries',
    reason: 'The document requires none of currently-playing\'s fields; every real 200 carries these seven (spotify-web-api.md), and currently_playing_type is one of the four its description names.',
    apply(doc) {
      const object = schema(CURRENTLY_PLAYING_OBJECT);
      requireFields(doc, object, ['timestamp', 'context', 'progress_ms', 'is_playing', 'item', 'currently_playing_type', 'actions']);
      const type = at(doc, [...object, 'properties', 'currently_playing_type']);
      still(type.enum === undefined, 'leaves currently_playing_type open');
      type.enum = ['track', 'episode', 'ad', 'unknown'];
    },
  },
  {
    name: 'recently-played: the fields every answer carries, and no total',
    reason: 'Every real page carries href, limit, next, cursors and items, and each play its track, played_at and context; pages come without total (spotify-web-api.md, observed), which the document lists.',
    apply(doc) {
      requireFields(doc, schema('PlayHistoryObject'), ['track', 'played_at', 'context']);
      const page = at(doc, schema('CursorPagingPlayHistoryObject'));
      still(Array.isArray(page.allOf) && 'total' in at(doc, [...schema('CursorPagingObject'), 'properties']), 'lists total in a cursor page');
      (page.allOf as Json[]).push({ required: ['href', 'limit', 'next', 'cursors', 'items'], properties: { total: false } });
    },
  },
  {
    name: 'artist, track and user objects: the fields every answer carries',
    reason: 'The document requires none of them; spotify-web-api.md lists what each always carries (less followers and popularity, gone for development-mode apps), and the service reads them.',
    apply(doc) {
      requireFields(doc, schema('ArtistObject'), ['external_urls', 'genres', 'href', 'id', 'images', 'name', 'type', 'uri']);
      requireFields(doc, schema('TrackObject'), ['album', 'artists', 'duration_ms', 'explicit', 'external_urls', 'href', 'id', 'name', 'type', 'uri']);
      requireFields(doc, schema('PrivateUserObject'), ['account_id', 'display_name', 'external_urls', 'href', 'id', 'images', 'type', 'uri']);
    },
  },
];

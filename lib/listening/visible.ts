/**
 * What the owner's settings let the public see of a listening result: hidden artists and tracks
 * and (with hideExplicit) explicit items are left out of every answer, and with cleanTitles a
 * track's name loses suffixes such as " - Remastered 2011" (its `rawName` keeps Spotify's). Applied
 * when a result is read, never when it is stored, so a change of settings needs no new fetch.
 */
import type { OwnerSettings } from '../owner/settings';
import type { Artist, LocalTrack, Play, PlayingItem, Track } from '../spotify/types';

/** " - Remastered 2011", " - 2011 Remaster", " (Remastered)", " [2009 Digital Remaster]", " - Remastered 2011 Version"… */
const REMASTER = /\s*(?:-|\(|\[)\s*(?:\d{4}\s+)?(?:digital(?:ly)?\s+)?re-?master(?:ed)?(?:\s+\d{4})?(?:\s+(?:version|edition))?\s*[)\]]?\s*$/i;

/** The name without a remaster suffix (never empty: a name that is only the suffix stays). */
export function cleanTitle(name: string): string {
  const cleaned = name.replace(REMASTER, '').trim();
  return cleaned || name;
}

export function artistShown(artist: Pick<Artist, 'id'>, settings: OwnerSettings): boolean {
  return !settings.hiddenArtists.includes(artist.id);
}

/** A local file (no id, nor its artists') can be hidden only as explicit, which Spotify never says it is. */
export function trackShown(track: { id: string | null; artistIds?: string[]; explicit: boolean }, settings: OwnerSettings): boolean {
  if (track.id !== null && settings.hiddenTracks.includes(track.id)) return false;
  if (settings.hideExplicit && track.explicit) return false;
  return !(track.artistIds ?? []).some((id) => settings.hiddenArtists.includes(id));
}

/** The track as shown: its name cleaned when the settings say so. */
export function shownTrack<T extends Track | LocalTrack>(track: T, settings: OwnerSettings): T {
  if (!settings.cleanTitles) return track;
  const name = cleanTitle(track.name);
  return name === track.name ? track : { ...track, name, rawName: track.name };
}

export function visibleArtists(artists: Artist[], settings: OwnerSettings): Artist[] {
  return artists.filter((artist) => artistShown(artist, settings));
}

export function visibleTracks(tracks: Track[], settings: OwnerSettings): Track[] {
  return tracks.filter((track) => trackShown(track, settings)).map((track) => shownTrack(track, settings));
}

export function visiblePlays(plays: Play[], settings: OwnerSettings): Play[] {
  return plays.filter((play) => trackShown(play.track, settings)).map((play) => ({ ...play, track: shownTrack(play.track, settings) }));
}

/** The item as shown, or undefined when the settings hide it (an episode only when explicit and hideExplicit). */
export function visibleItem(item: PlayingItem, settings: OwnerSettings): PlayingItem | undefined {
  if (item.type === 'episode') return settings.hideExplicit && item.explicit ? undefined : item;
  return trackShown(item, settings) ? shownTrack(item, settings) : undefined;
}

import { describe, expect, it } from 'vitest';
import { THEMES } from '../../../lib/features/card/draw';
import { DEFAULT_SETTINGS, parseSettings, settingsOf, THEME_NAMES } from '../../../lib/owner/settings';

const saved = { ...DEFAULT_SETTINGS, hiddenArtists: ['abc'], hideExplicit: true };

describe("the owner's settings", () => {
  it("apply only to the account that saved them: another that takes the site over starts from the defaults", () => {
    expect(settingsOf({ spotifyUserId: 'a', settingsOwner: 'a', settings: saved })).toEqual(saved);
    expect(settingsOf({ spotifyUserId: 'b', settingsOwner: 'a', settings: saved })).toEqual(DEFAULT_SETTINGS);
    expect(settingsOf({ spotifyUserId: 'a' })).toEqual(DEFAULT_SETTINGS);
  });

  it('fall back to the defaults when what is stored no longer fits the schema', () => {
    expect(settingsOf({ spotifyUserId: 'a', settingsOwner: 'a', settings: { hiddenArtists: 'x' } })).toEqual(DEFAULT_SETTINGS);
  });

  it('keep each hidden id once', () => {
    expect(parseSettings({ ...DEFAULT_SETTINGS, hiddenArtists: ['a', 'b', 'a'] }).hiddenArtists).toEqual(['a', 'b']);
  });

  it('name exactly the themes the cards draw', () => {
    expect([...THEME_NAMES].sort()).toEqual([...THEMES].sort());
  });
});

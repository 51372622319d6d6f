/**
 * The console's one script, allowed by its hash (pageHeaders): it sends the settings form as
 * JSON to PUT /owner/settings and says what the service answered. Ids may be pasted as Spotify
 * links ("https://open.spotify.com/artist/<id>?si=…") or URIs ("spotify:artist:<id>").
 */
export const SETTINGS_SCRIPT = `(function () {
  var form = document.getElementById('settings');
  var note = document.getElementById('saved');
  function ids(text) {
    return String(text || '').split(/[\\s,]+/).filter(Boolean).map(function (word) {
      var match = /(?:artist|track)[/:]([0-9A-Za-z]+)/.exec(word);
      return match ? match[1] : word;
    });
  }
  function unique(list) {
    return list.filter(function (id, index) { return list.indexOf(id) === index; });
  }
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var data = new FormData(form);
    var body = {
      hiddenArtists: unique(ids(data.get('hiddenArtists')).concat(data.getAll('hide'))),
      hiddenTracks: unique(ids(data.get('hiddenTracks'))),
      hideExplicit: data.get('hideExplicit') === 'on',
      cleanTitles: data.get('cleanTitles') === 'on',
      defaults: { timeRange: data.get('timeRange'), limit: Number(data.get('limit')), theme: data.get('theme') }
    };
    note.textContent = 'Saving…';
    fetch(form.getAttribute('action'), { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), credentials: 'same-origin' })
      .then(function (response) {
        return response.json().then(function (answer) { return { ok: response.ok, answer: answer }; });
      })
      .then(function (result) {
        if (result.ok) { note.textContent = 'Saved.'; window.location.reload(); }
        else { note.textContent = result.answer.message || 'The service refused the settings.'; }
      })
      .catch(function () { note.textContent = 'The service did not answer. Nothing was changed.'; });
  });
})();`;

// Polls the logged-in secretary's accepted call every second and pops the client's fiche.
(function () {
  "use strict";
  var box = document.getElementById("live-call");
  if (!box) { return; }
  var shown = null;
  function show(call) {
    if (!call) {
      if (shown !== null) { box.innerHTML = ""; shown = null; }
      return;
    }
    if (shown === call.id) { return; }
    shown = call.id;
    fetch(call.fiche_url, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) {
        box.innerHTML = html;
        box.classList.add("ringing");
        var first = box.querySelector("a.button");
        if (first) { first.focus(); }
      });
  }
  function poll() {
    fetch(box.dataset.poll, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { call: null }; })
      .then(function (data) { show(data.call); })
      .catch(function () { /* the next poll retries */ })
      .finally(function () { window.setTimeout(poll, 1000); });
  }
  poll();
})();

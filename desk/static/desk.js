// The desk on every page: the call in front of her (pushed by Server-Sent Events), the
// phone menu, confirmations, keyboard shortcuts.
(function () {
  "use strict";

  // --- the phone menu ---
  var toggle = document.querySelector(".menu-toggle");
  if (toggle) {
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      document.body.classList.toggle("menu-open", open);
    });
  }

  // --- tables read on a phone: each cell folds under the row, so it carries its
  // column's name (desk.css shows it before the cell at phone width) ---
  function labelCells(root) {
    Array.prototype.forEach.call(root.querySelectorAll("table.list"), function (table) {
      var heads = table.querySelectorAll("thead th");
      if (!heads.length) { return; }
      Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (row) {
        Array.prototype.forEach.call(row.children, function (cell, i) {
          var name = heads[i] ? heads[i].textContent.trim() : "";
          var empty = !cell.textContent.trim() && !cell.children.length;
          if (name && !empty && !cell.hasAttribute("data-label") && !cell.hasAttribute("colspan")) {
            cell.setAttribute("data-label", name);
          }
        });
      });
    });
  }
  labelCells(document);

  // --- forms that ask before doing something that cannot be undone ---
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });

  // --- the call in front of her ---
  var box = document.getElementById("live-call");
  var shown = null;
  var timer = null;

  function beep() {
    try {
      var Context = window.AudioContext || window.webkitAudioContext;
      var ctx = new Context();
      var osc = ctx.createOscillator();
      var gain = ctx.createGain();
      osc.frequency.value = 880;
      gain.gain.value = 0.15;
      osc.connect(gain);
      gain.connect(ctx.destination);
      osc.start();
      osc.stop(ctx.currentTime + 0.4);
    } catch (e) { /* no sound available: the notification still shows */ }
  }

  function notify(text) {
    if (!document.hidden) { return; }
    beep();
    if ("Notification" in window && Notification.permission === "granted") {
      var n = new Notification(text, { tag: "desk-call" });
      n.onclick = function () { window.focus(); n.close(); };
    }
  }

  function tick() {
    var el = box.querySelector("[data-timer]");
    var inner = box.querySelector("[data-accepted]");
    if (!el || !inner) { return; }
    var s = Math.max(0, Math.floor((Date.now() - Date.parse(inner.dataset.accepted)) / 1000));
    el.textContent = Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }

  function close() {
    shown = null;
    window.clearInterval(timer);
    box.hidden = true;
    box.innerHTML = "";
    delete box.dataset.call;
    document.body.classList.remove("on-call");
  }

  function open(call) {
    shown = call.id;
    fetch(call.fiche_url, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) {
        if (shown !== call.id || !html) { return; }
        box.innerHTML = html;
        box.dataset.call = String(call.id);
        box.hidden = false;
        document.body.classList.add("on-call");
        tick();
        window.clearInterval(timer);
        timer = window.setInterval(tick, 1000);
        window.requestAnimationFrame(function () {
          window.deskFicheShownAt = Date.now();
          box.dispatchEvent(new CustomEvent("fiche-shown", { detail: call.id }));
        });
        var number = box.querySelector(".caller-number");
        notify(number ? number.textContent : "");
        var typing = document.activeElement && document.activeElement.closest("form");
        var first = box.querySelector("a.button");
        if (first && !typing) { first.focus(); }
      });
  }

  // --- her own state in the header, as pushed; a wrap-up turns to available when its
  // seconds are over (the server says how many), without asking the server ---
  var mine = document.getElementById("my-presence");
  var wrapTimer = null;

  function showState(state, label) {
    if (!mine) { return; }
    mine.dataset.state = state;
    var words = mine.querySelector(".presence-state");
    if (words) { words.textContent = label; }
    Array.prototype.forEach.call(mine.querySelectorAll("button[data-when]"), function (b) {
      var onBreak = state === "on_break";
      b.hidden = (b.dataset.when === "on_break") !== onBreak;
      if (b.value === "start") { b.disabled = state === "ringing" || state === "on_call"; }
    });
  }

  function presence(data) {
    window.clearTimeout(wrapTimer);
    showState(data.state, data.label);
    if (data.state === "wrapping_up" && typeof data.remaining === "number") {
      var labels = JSON.parse(mine ? mine.dataset.labels || "{}" : "{}");
      wrapTimer = window.setTimeout(function () {
        showState("available", labels.available || "");
      }, data.remaining * 1000);
    }
  }

  if (box && window.EventSource) {
    var source = new EventSource(box.dataset.stream);
    source.addEventListener("call", function (e) { open(JSON.parse(e.data)); });
    source.addEventListener("presence", function (e) { presence(JSON.parse(e.data)); });
    source.addEventListener("ended", function (e) {
      var data = JSON.parse(e.data);
      if (shown === data.id || box.dataset.call === String(data.id)) { close(); }
    });
    box.addEventListener("click", function (e) {
      if (e.target.closest("[data-live-dismiss]")) { close(); }
    });
    window.addEventListener("pagehide", function () { source.close(); });
    document.addEventListener("click", function ask() {
      document.removeEventListener("click", ask);
      if ("Notification" in window && Notification.permission === "default") {
        Notification.requestPermission();
      }
    });
  }

  // --- En direct: the board is read again when an event says something moved ---
  // Durations count on in the page; a wrap-up's end (known in advance) reads it once more.
  var board = document.querySelector("[data-board-stream]");
  if (board && window.EventSource) {
    var boardSource = new EventSource(board.dataset.boardStream);
    var pending = null;
    var readAt = Date.now();
    var nextRead = null;

    function clock(seconds) {
      var s = Math.max(0, Math.floor(seconds));
      return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
    }

    function countOn() {
      var gone = (Date.now() - readAt) / 1000;
      Array.prototype.forEach.call(board.querySelectorAll("[data-seconds] [data-ticking]"), function (cell) {
        var row = cell.closest("[data-seconds]");
        if (row.dataset.seconds !== "") { cell.textContent = clock(Number(row.dataset.seconds) + gone); }
      });
    }

    function planNext() {
      window.clearTimeout(nextRead);
      var part = board.querySelector("[data-next-change]");
      if (part) { nextRead = window.setTimeout(readAgain, Number(part.dataset.nextChange) * 1000 + 250); }
    }

    function readAgain() {
      pending = null;
      fetch(board.dataset.boardPart, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (html === null) { return; }
          board.innerHTML = html;
          labelCells(board);
          readAt = Date.now();
          planNext();
        });
    }

    boardSource.addEventListener("changed", function () {
      if (!pending) { pending = setTimeout(readAgain, 250); }
    });
    planNext();
    window.setInterval(countOn, 1000);
    window.addEventListener("pagehide", function () { boardSource.close(); });
  }

  // --- the calendar: a click on an empty time opens Book on that slot ---
  var cal = document.querySelector(".cal[data-book]");
  if (cal) {
    var offsets = (cal.dataset.tzOffset || "").split(",");
    cal.addEventListener("click", function (e) {
      var day = e.target.closest(".cal-day");
      if (!day || e.target.closest(".cal-item")) { return; }
      var box = day.getBoundingClientRect();
      var range = Number(cal.dataset.range);
      var minutes = Number(cal.dataset.firstHour) * 60 + ((e.clientY - box.top) / box.height) * range;
      minutes = Math.floor(minutes / 15) * 15;
      var index = Array.prototype.indexOf.call(cal.querySelectorAll(".cal-day"), day);
      var hh = String(Math.floor(minutes / 60)).padStart(2, "0");
      var mm = String(minutes % 60).padStart(2, "0");
      var at = new Date(day.dataset.day + "T" + hh + ":" + mm + ":00" + (offsets[index] || "Z"));
      var iso = at.toISOString().replace(".000Z", "+00:00");
      window.location.href = cal.dataset.book + "&week=" + day.dataset.day +
        "&starts_at=" + encodeURIComponent(iso);
    });
  }

  // --- keyboard shortcuts: m = take a message, b = book (for the call in front of her when
  // there is one), / = search, Esc = close the fiche ---
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) { return; }
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) { return; }
    var scope = box && !box.hidden ? box : document;
    var link = null;
    if (e.key === "m") { link = scope.querySelector("[data-shortcut=message]"); }
    if (e.key === "b") { link = scope.querySelector("[data-shortcut=book]"); }
    if (e.key === "/") {
      var search = document.querySelector("input[type=search]");
      if (search) { e.preventDefault(); search.focus(); }
      return;
    }
    if (e.key === "Escape" && box && !box.hidden) { close(); return; }
    if (link) { e.preventDefault(); link.click(); return; }
    // No call in front of her: the same keys open a blank message or the Book page.
    var url = box && { m: box.dataset.messageUrl, b: box.dataset.bookUrl }[e.key];
    if (url) { e.preventDefault(); window.location.href = url; }
  });
})();

// Accord grid workbench: forms that work without a network. Every entry is first kept on the
// phone (encrypted, see idb.js) and then sent to POST /api/v1/grid/sync when online, in the
// order it was made; a replay is harmless (the server answers an entry it already has from
// its record). Conflicts and refusals are shown to the worker, never dropped.
// This page never asks for the phone's position.
(function () {
  "use strict";
  var app = document.getElementById("grid-app");
  if (!app) { return; }
  var S = window.AccordGridStore;
  var T = app.dataset;
  var csrf = null;
  var syncing = false;

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = text; }
    if (cls) { e.className = cls; }
    return e;
  }

  function say(text) { document.getElementById("form-status").textContent = text; }

  function showNet() {
    var net = document.getElementById("net");
    net.textContent = navigator.onLine ? T.tOnline : T.tOffline;
    net.className = navigator.onLine ? "notice success" : "notice";
  }

  function fillSelect(select, rows) {
    var keep = select.value;
    select.textContent = "";
    rows.forEach(function (r) {
      var o = el("option", r.name);
      o.value = r.code;
      select.appendChild(o);
    });
    if (keep) { select.value = keep; }
  }

  function renderTasks(tasks) {
    var list = document.getElementById("task-list");
    list.textContent = "";
    if (!tasks || !tasks.length) { list.appendChild(el("li", T.tNotasks)); return; }
    tasks.forEach(function (t) {
      var li = el("li", null, "grid-item");
      li.dataset.task = String(t.id);
      li.appendChild(el("strong", t.task_type_label));
      li.appendChild(el("span", " · " + t.area_name + " · " + t.status_label +
        (t.due ? " · " + T.tDue + " " + t.due : "") + (t.case_reference ? " · " + t.case_reference : "")));
      if (t.note) { li.appendChild(el("p", t.note)); }
      (t.actions || []).forEach(function (a) {
        var b = el("button", a.label, "button small");
        b.type = "button";
        b.dataset.action = a.action;
        b.addEventListener("click", function () {
          S.enqueue("task", { task_id: t.id, action: a.action, version: t.version }).then(function () {
            b.disabled = true;
            b.textContent = a.label + " (" + T.tQueuedAction + ")";
            refreshQueue();
            trySync();
          });
        });
        li.appendChild(b);
      });
      list.appendChild(li);
    });
  }

  function applyReference(data) {
    app.querySelectorAll("select.grids").forEach(function (s) { fillSelect(s, data.grids || []); });
    app.querySelectorAll("select.categories").forEach(function (s) { fillSelect(s, data.categories || []); });
    app.querySelectorAll("select.sectors").forEach(function (s) { fillSelect(s, data.sectors || []); });
    app.querySelectorAll("select.purposes").forEach(function (s) { fillSelect(s, data.purposes || []); });
    renderTasks(data.tasks);
  }

  function bootstrap() {
    if (!navigator.onLine) { return useCached(); }
    return fetch(T.bootstrap, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (r.status === 401 || r.status === 403) { S.forgetKey(); throw new Error("signed out"); }
        if (!r.ok) { throw new Error("bootstrap " + r.status); }
        return r.json();
      })
      .then(function (data) {
        csrf = data.csrf;
        S.rememberServerKey(data.key);
        applyReference(data);
        return S.cacheBootstrap(data);
      })
      .catch(function () { return useCached(); });
  }

  function useCached() {
    return S.cachedBootstrap().then(function (data) {
      if (data) { applyReference(data); }
    }).catch(function () { say(T.tNokey); });
  }

  var KIND_LABEL = { case: T.tCase, visit: T.tVisit, mediation: T.tMediation, hazard: T.tHazard, task: T.tTask };
  var STATE_LABEL = { pending: T.tPending, applied: T.tApplied, conflict: T.tConflict, refused: T.tRefused };

  function refreshQueue() {
    return S.all().then(function (items) {
      var list = document.getElementById("queue-list");
      list.textContent = "";
      var waiting = 0;
      items.slice().reverse().forEach(function (item) {
        if (item.state === "pending") { waiting += 1; }
        var li = el("li", null, "grid-item state-" + item.state);
        li.dataset.uuid = item.uuid;
        li.dataset.state = item.state;
        li.appendChild(el("strong", KIND_LABEL[item.kind] || item.kind));
        li.appendChild(el("span", " · " + new Date(item.made).toLocaleString() + " · "));
        li.appendChild(el("span", STATE_LABEL[item.state] || item.state, "state"));
        var r = item.result || {};
        if (r.reference) { li.appendChild(el("p", T.tReference + ": " + r.reference, "reference")); }
        if (r.secret) { li.appendChild(el("p", T.tSecret + ": " + r.secret)); }
        if (r.detail && item.state !== "applied") { li.appendChild(el("p", r.detail)); }
        if (item.state === "conflict" || item.state === "refused") {
          var b = el("button", T.tDiscard, "button small");
          b.type = "button";
          b.addEventListener("click", function () { S.remove(item.uuid).then(refreshQueue); });
          li.appendChild(b);
        }
        list.appendChild(li);
      });
      document.getElementById("queue-count").textContent = String(waiting);
      return items;
    });
  }

  function trySync() {
    if (syncing || !navigator.onLine) { return Promise.resolve(); }
    syncing = true;
    var pending;
    return S.all().then(function (items) {
      pending = items.filter(function (i) { return i.state === "pending"; });
      if (!pending.length) { return null; }
      return (csrf ? Promise.resolve() : bootstrap()).then(function () {
        return Promise.all(pending.map(function (i) {
          return S.payloadOf(i).then(function (p) { return { uuid: i.uuid, seq: i.seq, kind: i.kind, payload: p }; });
        }));
      }).then(function (body) {
        return fetch(T.sync, {
          method: "POST", credentials: "same-origin",
          headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf || "" },
          body: JSON.stringify({ items: body })
        });
      }).then(function (r) {
        if (!r.ok) { throw new Error("sync " + r.status); }
        return r.json();
      }).then(function (data) {
        var byId = {};
        pending.forEach(function (i) { byId[i.uuid] = i; });
        return Promise.all(data.results.map(function (res) {
          var item = byId[res.uuid];
          if (!item) { return null; }
          item.state = res.status;
          item.result = res;
          if (res.status === "applied") { item.box = null; }
          return S.put(item);
        }));
      }).then(function () { return bootstrap(); });
    }).catch(function (e) {
      if (String(e && e.message) === "nokey") { say(T.tNokey); }
    }).then(function () {
      syncing = false;
      return refreshQueue();
    });
  }

  function payloadFrom(form) {
    var kind = form.dataset.kind;
    var f = form.elements;
    if (kind === "case") {
      return {
        area: f.area.value, category: f.category.value, description: f.description.value,
        parties: [{ role: "applicant", kind: "person", name: f.party_name.value, contact: f.party_contact.value }],
        notify_email: f.notify_email.value, notify_consent: f.notify_consent.checked, language: f.language.value
      };
    }
    if (kind === "visit") {
      return { area: f.area.value, purpose: f.purpose.value, visited_on: f.visited_on.value,
        service_note: f.service_note.value, consent: f.consent.checked };
    }
    if (kind === "hazard") {
      return { area: f.area.value, sector: f.sector.value, address: f.address.value,
        description: f.description.value };
    }
    return {
      area: f.area.value, category: f.category.value, parties: f.parties.value, issue: f.issue.value,
      outcome: form.querySelector("input[name=outcome]:checked").value, agreement: f.agreement.value,
      notice_acknowledged: f.notice_acknowledged.checked,
      held_on: new Date().toISOString().slice(0, 10)
    };
  }

  app.querySelectorAll("form.grid-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      S.enqueue(form.dataset.kind, payloadFrom(form)).then(function () {
        form.reset();
        setToday();
        say(T.tSaved);
        return refreshQueue();
      }).then(trySync).catch(function () { say(T.tNokey); });
    });
  });

  function setToday() {
    var today = new Date().toISOString().slice(0, 10);
    app.querySelectorAll("input.today").forEach(function (i) { if (!i.value) { i.value = today; } });
  }

  // Logging out forgets the key: what stays on the phone can no longer be read.
  document.querySelectorAll("form[action$='logout/'], form[action*='logout']").forEach(function (f) {
    f.addEventListener("submit", function () { S.forgetKey(); });
  });

  document.getElementById("sync-now").addEventListener("click", trySync);
  window.addEventListener("online", function () { showNet(); trySync(); });
  window.addEventListener("offline", showNet);

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(T.sw, { scope: T.scope }).catch(function () { /* no offline page */ });
  }
  showNet();
  setToday();
  bootstrap().then(refreshQueue).then(trySync);
})();

// Accord grid workbench: storage on the device.
//
// IndexedDB database "accord-grid" with two stores:
//   kv     small values (the device salt, the next sequence number, the cached reference data)
//   queue  the entries made on this phone, keyed by their client UUID, in the order made
// Every entry's content and the cached task list are encrypted with AES-GCM. The key is
// derived (HKDF-SHA-256, with a random per-device salt) from a key the server issues to a
// signed-in session only; the server's key is kept in sessionStorage, which the browser
// clears when the tab is closed and which the log-out button clears, so what is stored on
// the phone cannot be read without signing in again.
(function () {
  "use strict";
  var DB = "accord-grid";
  var KEY_SLOT = "accord-grid-key";
  var enc = new TextEncoder();
  var dec = new TextDecoder();

  function open() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB, 1);
      req.onupgradeneeded = function () {
        var db = req.result;
        db.createObjectStore("kv");
        var q = db.createObjectStore("queue", { keyPath: "uuid" });
        q.createIndex("seq", "seq", { unique: true });
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function tx(store, mode, fn) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(store, mode);
        var result;
        Promise.resolve(fn(t.objectStore(store))).then(function (r) { result = r; });
        t.oncomplete = function () { db.close(); resolve(result); };
        t.onerror = function () { db.close(); reject(t.error); };
        t.onabort = function () { db.close(); reject(t.error); };
      });
    });
  }

  function req(r) {
    return new Promise(function (resolve, reject) {
      r.onsuccess = function () { resolve(r.result); };
      r.onerror = function () { reject(r.error); };
    });
  }

  function kvGet(key) { return tx("kv", "readonly", function (s) { return req(s.get(key)); }); }
  function kvSet(key, value) { return tx("kv", "readwrite", function (s) { return req(s.put(value, key)); }); }

  function b64ToBytes(text) {
    var raw = atob(text);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out;
  }

  var derived = null;
  function rememberServerKey(b64) {
    try { sessionStorage.setItem(KEY_SLOT, b64); } catch (e) { /* private mode */ }
    derived = null;
  }
  function forgetKey() {
    try { sessionStorage.removeItem(KEY_SLOT); } catch (e) { /* ignore */ }
    derived = null;
  }

  function deviceSalt() {
    return kvGet("salt").then(function (salt) {
      if (salt) { return salt; }
      salt = crypto.getRandomValues(new Uint8Array(16));
      return kvSet("salt", salt).then(function () { return salt; });
    });
  }

  // The AES-GCM key for this session (non-extractable), or null when not signed in.
  function key() {
    if (derived) { return derived; }
    var b64 = null;
    try { b64 = sessionStorage.getItem(KEY_SLOT); } catch (e) { b64 = null; }
    if (!b64) { return Promise.resolve(null); }
    derived = deviceSalt().then(function (salt) {
      return crypto.subtle.importKey("raw", b64ToBytes(b64), "HKDF", false, ["deriveKey"])
        .then(function (base) {
          return crypto.subtle.deriveKey(
            { name: "HKDF", hash: "SHA-256", salt: salt, info: enc.encode("accord-grid-drafts-v1") },
            base, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
        });
    });
    return derived;
  }

  function seal(value, aad) {
    return key().then(function (k) {
      if (!k) { throw new Error("nokey"); }
      var iv = crypto.getRandomValues(new Uint8Array(12));
      return crypto.subtle.encrypt({ name: "AES-GCM", iv: iv, additionalData: enc.encode(aad) },
        k, enc.encode(JSON.stringify(value))).then(function (ct) {
        return { iv: iv, ct: new Uint8Array(ct) };
      });
    });
  }

  function open_(box, aad) {
    return key().then(function (k) {
      if (!k) { throw new Error("nokey"); }
      return crypto.subtle.decrypt({ name: "AES-GCM", iv: box.iv, additionalData: enc.encode(aad) },
        k, box.ct).then(function (pt) { return JSON.parse(dec.decode(pt)); });
    });
  }

  function nextSeq() {
    return tx("kv", "readwrite", function (s) {
      return req(s.get("seq")).then(function (v) {
        var n = (v || 0) + 1;
        s.put(n, "seq");
        return n;
      });
    });
  }

  function uuid4() {
    if (crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // Queue an entry: its content sealed, bound to its UUID.
  function enqueue(kind, payload) {
    var id = uuid4();
    return Promise.all([nextSeq(), seal(payload, id)]).then(function (r) {
      var item = { uuid: id, seq: r[0], kind: kind, box: r[1], state: "pending", made: Date.now() };
      return tx("queue", "readwrite", function (s) { return req(s.put(item)); }).then(function () { return item; });
    });
  }

  function all() {
    return tx("queue", "readonly", function (s) { return req(s.index("seq").getAll()); });
  }

  function put(item) { return tx("queue", "readwrite", function (s) { return req(s.put(item)); }); }
  function remove(id) { return tx("queue", "readwrite", function (s) { return req(s.delete(id)); }); }

  function payloadOf(item) { return open_(item.box, item.uuid); }

  function cacheBootstrap(data) {
    var copy = {};
    Object.keys(data).forEach(function (k) { if (k !== "key" && k !== "csrf") { copy[k] = data[k]; } });
    return seal(copy, "bootstrap").then(function (box) { return kvSet("bootstrap", box); });
  }

  function cachedBootstrap() {
    return kvGet("bootstrap").then(function (box) { return box ? open_(box, "bootstrap") : null; });
  }

  window.AccordGridStore = {
    rememberServerKey: rememberServerKey, forgetKey: forgetKey, key: key,
    enqueue: enqueue, all: all, put: put, remove: remove, payloadOf: payloadOf,
    cacheBootstrap: cacheBootstrap, cachedBootstrap: cachedBootstrap
  };
})();

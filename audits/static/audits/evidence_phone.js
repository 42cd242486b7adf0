/* The phone filing page (issue 3). Plain JavaScript, no libraries.
 *
 * - Fills latitude/longitude from the browser's geolocation when the user allows it.
 * - On submit, the item (fields + the file as a Blob) is first written to IndexedDB,
 *   so nothing is lost if the page is closed or the connection drops, then sent with
 *   XMLHttpRequest to POST /api/v1/evidence/ showing upload progress.
 * - A network failure, a server error (5xx), 409 or 429 keeps the item and retries with
 *   exponential backoff (2 s, 4 s, ... up to 2 min) and at once on the `online` event
 *   or when the page is opened again. A 409 that names an item already filed with the
 *   same bytes (same SHA-256 as this phone's copy) counts as filed: "already filed as #N".
 *   A refusal (400, 403, 413, 415) is shown and the item stays listed with "Send again"
 *   and "Remove"; "Remove" asks first, saying the photo exists nowhere else. A 401 after
 *   the session ended keeps the item until the user logs in again.
 * - Each item carries a random `client_reference`, so a retry after a lost response
 *   returns the item already filed instead of filing it twice.
 * - An item leaves the phone's queue only once the server's SHA-256 equals the one
 *   computed here (Web Crypto, or the small SHA-256 below where Web Crypto is missing).
 */
(function () {
  "use strict";

  var form = document.getElementById("evidence-form");
  if (!form) return;
  var text = document.getElementById("evidence-messages").dataset;
  var apiUrl = form.dataset.apiUrl;
  var pageUrl = form.dataset.pageUrl;
  var maxBytes = parseInt(form.dataset.maxBytes, 10);
  var dbName = form.dataset.queueName;
  var progress = document.getElementById("upload-progress");
  var uploadPanel = document.getElementById("upload-panel");
  var uploadStatus = document.getElementById("upload-status");
  var queuePanel = document.getElementById("queue-panel");
  var queueList = document.getElementById("queue-list");
  var sending = false;
  var retryDelay = 2000;
  var retryTimer = null;
  var MAX_DELAY = 120000;

  // ---- IndexedDB: one object store of items waiting to be sent --------------------
  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(dbName, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore("items", { keyPath: "id" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction("items", mode);
        var result = work(tx.objectStore("items"));
        tx.oncomplete = function () { db.close(); resolve(result && result.result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }

  var queue = {
    put: function (item) { return withStore("readwrite", function (s) { return s.put(item); }); },
    remove: function (id) { return withStore("readwrite", function (s) { return s.delete(id); }); },
    all: function () {
      return withStore("readonly", function (s) { return s.getAll(); }).then(function (items) {
        return (items || []).sort(function (a, b) { return a.queuedAt - b.queuedAt; });
      });
    }
  };

  // ---- helpers ------------------------------------------------------------------------
  function randomId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function toHex(bytes) {
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  // SHA-256 in plain JavaScript (FIPS 180-4), for pages served without Web Crypto
  // (plain HTTP on a local network): the queue must still be able to check the bytes.
  var K = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
  ];

  function sha256Plain(data) {
    var h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
             0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    var bitLength = data.length * 8;
    var padded = new Uint8Array(((data.length + 9 + 63) >> 6) << 6);
    padded.set(data);
    padded[data.length] = 0x80;
    var view = new DataView(padded.buffer);
    view.setUint32(padded.length - 8, Math.floor(bitLength / 0x100000000));
    view.setUint32(padded.length - 4, bitLength >>> 0);
    var w = new Array(64);
    for (var offset = 0; offset < padded.length; offset += 64) {
      for (var t = 0; t < 16; t++) w[t] = view.getUint32(offset + t * 4);
      for (t = 16; t < 64; t++) {
        var x = w[t - 15], y = w[t - 2];
        var s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
        var s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
        w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
      }
      var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
      for (t = 0; t < 64; t++) {
        var S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        var ch = (e & f) ^ (~e & g);
        var temp1 = (k + S1 + ch + K[t] + w[t]) | 0;
        var S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        var maj = (a & b) ^ (a & c) ^ (b & c);
        var temp2 = (S0 + maj) | 0;
        k = g; g = f; f = e; e = (d + temp1) | 0; d = c; c = b; b = a; a = (temp1 + temp2) | 0;
      }
      h[0] = (h[0] + a) | 0; h[1] = (h[1] + b) | 0; h[2] = (h[2] + c) | 0; h[3] = (h[3] + d) | 0;
      h[4] = (h[4] + e) | 0; h[5] = (h[5] + f) | 0; h[6] = (h[6] + g) | 0; h[7] = (h[7] + k) | 0;
    }
    var out = new Uint8Array(32);
    var outView = new DataView(out.buffer);
    for (var i = 0; i < 8; i++) outView.setUint32(i * 4, h[i] >>> 0);
    return toHex(out);
  }

  function readBytes(blob) {
    if (blob.arrayBuffer) return blob.arrayBuffer();
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () { resolve(reader.result); };
      reader.onerror = function () { reject(reader.error); };
      reader.readAsArrayBuffer(blob);
    });
  }

  function sha256Hex(blob) {
    return readBytes(blob).then(function (buffer) {
      if (window.crypto && crypto.subtle) {
        return crypto.subtle.digest("SHA-256", buffer).then(function (digest) {
          return toHex(new Uint8Array(digest));
        });
      }
      return sha256Plain(new Uint8Array(buffer));
    }).catch(function () { return null; });
  }

  function show(message, kind) {
    uploadPanel.hidden = false;
    uploadStatus.textContent = message;
    uploadStatus.className = kind ? "message " + kind : "";
  }

  function fieldValue(name) {
    var field = form.elements[name];
    return field ? field.value : "";
  }

  // ---- geolocation --------------------------------------------------------------------
  function fillPosition() {
    var geoStatus = document.getElementById("geo-status");
    if (!navigator.geolocation || fieldValue("latitude")) return;
    navigator.geolocation.getCurrentPosition(function (position) {
      if (fieldValue("latitude")) return;
      form.elements.latitude.value = position.coords.latitude.toFixed(6);
      form.elements.longitude.value = position.coords.longitude.toFixed(6);
      geoStatus.textContent = text.geoOk;
    }, function () {
      geoStatus.textContent = text.geoNo;
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }

  // ---- the queue on screen ----------------------------------------------------------
  function renderQueue() {
    return queue.all().then(function (items) {
      queuePanel.hidden = items.length === 0;
      queueList.textContent = "";
      items.forEach(function (item) {
        var li = document.createElement("li");
        li.dataset.queued = item.id;
        li.textContent = item.fileName + " · " + Math.round(item.file.size / 1024) + " KB" +
          (item.error ? " · " + item.error : "");
        if (item.error) {
          var again = document.createElement("button");
          again.type = "button";
          again.className = "button primary send-again";
          again.textContent = text.sendAgain;
          again.addEventListener("click", function () {
            delete item.error;
            retryDelay = 2000;
            queue.put(item).then(renderQueue).then(flush);
          });
          var remove = document.createElement("button");
          remove.type = "button";
          remove.className = "button danger remove";
          remove.textContent = text.remove;
          remove.addEventListener("click", function () {
            // The only copy: the server never accepted it.
            if (!window.confirm(text.removeConfirm)) return;
            queue.remove(item.id).then(renderQueue);
          });
          li.appendChild(document.createTextNode(" "));
          li.appendChild(again);
          li.appendChild(document.createTextNode(" "));
          li.appendChild(remove);
        }
        queueList.appendChild(li);
      });
    });
  }

  // ---- sending ------------------------------------------------------------------------
  function send(item) {
    return new Promise(function (resolve) {
      var data = new FormData();
      Object.keys(item.fields).forEach(function (name) {
        if (item.fields[name] !== "") data.append(name, item.fields[name]);
      });
      data.append("client_reference", item.id);
      data.append("file", item.file, item.fileName);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", apiUrl);
      xhr.setRequestHeader("X-CSRFToken", csrfToken());
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.onprogress = function (event) {
        if (event.lengthComputable) progress.value = Math.round(100 * event.loaded / event.total);
      };
      xhr.onload = function () {
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
        resolve({ status: xhr.status, body: body });
      };
      xhr.onerror = xhr.ontimeout = xhr.onabort = function () { resolve({ status: 0, body: null }); };
      show(text.sending);
      progress.value = 0;
      xhr.send(data);
    });
  }

  function describeError(body) {
    if (!body) return "";
    if (body.detail) return body.detail;
    return Object.keys(body).map(function (key) {
      return key + ": " + [].concat(body[key]).join(" ");
    }).join("; ");
  }

  function showFiled(body, message) {
    show(message, "success");
    var anchor = document.createElement("a");
    anchor.href = pageUrl.replace(/0\/$/, body.id + "/");
    anchor.id = "filed-link";
    anchor.dataset.evidenceId = body.id;
    anchor.dataset.sha256 = body.sha256;
    anchor.textContent = "#" + body.id;
    uploadStatus.appendChild(document.createTextNode(" "));
    uploadStatus.appendChild(anchor);
  }

  // The item leaves the queue only when the server holds exactly its bytes.
  function keepUnlessSame(item, body, message) {
    return sha256Hex(item.file).then(function (localHash) {
      if (localHash && body && localHash === body.sha256) {
        retryDelay = 2000;
        return queue.remove(item.id).then(function () {
          showFiled(body, message);
          return true;
        });
      }
      item.error = text.kept;
      show(item.error, "error");
      return queue.put(item).then(function () { return true; });
    });
  }

  function handleResult(item, result) {
    if ((result.status === 201 || result.status === 200) && result.body && result.body.sha256) {
      var sha = result.body.sha256;
      return keepUnlessSame(item, result.body, text.filed + " " + sha + " — " + text.hashOk);
    }
    var body = result.body;
    if (result.status === 409 && body && body.id && body.sha256) {
      // The same bytes were filed already (an earlier try whose answer was lost).
      return sha256Hex(item.file).then(function (localHash) {
        if (localHash && localHash === body.sha256) {
          return keepUnlessSame(item, body, text.alreadyFiled);
        }
        show(text.offline, "warning");
        return false;
      });
    }
    var retryable = result.status === 0 || result.status >= 500 ||
      result.status === 429 || result.status === 409;
    if (retryable) {
      show(text.offline, "warning");
      return Promise.resolve(false);
    }
    if (result.status === 401) {
      show(text.login, "warning");
      return Promise.resolve(false);
    }
    item.error = text.refused + " " + (describeError(result.body) || result.status);
    show(item.error, "error");
    return queue.put(item).then(function () { return true; });
  }

  function scheduleRetry() {
    if (retryTimer) return;
    show(text.offline + " " + text.retry.replace("%s", Math.round(retryDelay / 1000)), "warning");
    retryTimer = setTimeout(function () { retryTimer = null; flush(); }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, MAX_DELAY);
  }

  function flush() {
    if (sending) return Promise.resolve();
    if (retryTimer) { clearTimeout(retryTimer); retryTimer = null; }
    sending = true;
    return queue.all().then(function (items) {
      var pending = items.filter(function (item) { return !item.error; });
      return pending.reduce(function (chain, item) {
        return chain.then(function (goOn) {
          if (!goOn) return false;
          return send(item).then(function (result) { return handleResult(item, result); });
        });
      }, Promise.resolve(true)).then(function (allSent) {
        if (!allSent) scheduleRetry();
      });
    }).then(function () {
      sending = false;
      return renderQueue();
    }, function () { sending = false; });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var file = form.elements.file.files[0];
    if (!file) { form.elements.file.reportValidity(); return; }
    if (file.size > maxBytes) { show(text.tooLarge, "error"); return; }
    var captured = fieldValue("captured_at");
    var item = {
      id: randomId(),
      queuedAt: Date.now(),
      fileName: file.name,
      file: file.slice(0, file.size, file.type),  // a Blob IndexedDB can keep
      fields: {
        engagement: form.dataset.engagement,
        kind: fieldValue("kind"),
        description: fieldValue("description"),
        latitude: fieldValue("latitude"),
        longitude: fieldValue("longitude"),
        captured_at: captured ? new Date(captured).toISOString() : "",
        supersedes: fieldValue("supersedes"),
        procedure: fieldValue("procedure")
      }
    };
    queue.put(item).then(function () {
      form.reset();
      fillPosition();
      retryDelay = 2000;
      return renderQueue();
    }).then(flush);
  });

  window.addEventListener("online", function () { retryDelay = 2000; flush(); });
  fillPosition();
  renderQueue().then(flush);
})();

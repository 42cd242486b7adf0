/* The phone filing page (issue 3). Plain JavaScript, no libraries.
 *
 * - Fills latitude/longitude from the browser's geolocation when the user allows it.
 * - On submit, the item (fields + the file as a Blob) is first written to IndexedDB,
 *   so nothing is lost if the page is closed or the connection drops, then sent with
 *   XMLHttpRequest to POST /api/v1/evidence/ showing upload progress.
 * - A network failure or a server error (5xx, 429) keeps the item and retries with
 *   exponential backoff (2 s, 4 s, ... up to 2 min) and at once on the `online` event
 *   or when the page is opened again. A refusal (400, 403, 409, 413, 415) is shown and
 *   the item stays listed until the user removes it. A 401/403 after the session ended
 *   keeps the item until the user logs in again.
 * - Each item carries a random `client_reference`, so a retry after a lost response
 *   returns the item already filed instead of filing it twice.
 * - After a 201, the server's SHA-256 is compared with one computed on the phone.
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

  function sha256Hex(blob) {
    if (!(window.crypto && crypto.subtle && blob.arrayBuffer)) return Promise.resolve(null);
    return blob.arrayBuffer().then(function (buffer) {
      return crypto.subtle.digest("SHA-256", buffer);
    }).then(function (digest) {
      return Array.prototype.map.call(new Uint8Array(digest), function (b) {
        return ("0" + b.toString(16)).slice(-2);
      }).join("");
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
          var remove = document.createElement("button");
          remove.type = "button";
          remove.className = "button danger";
          remove.textContent = text.remove;
          remove.addEventListener("click", function () {
            queue.remove(item.id).then(renderQueue);
          });
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

  function handleResult(item, result) {
    if (result.status === 201 || result.status === 200) {
      retryDelay = 2000;
      return queue.remove(item.id).then(function () {
        return sha256Hex(item.file);
      }).then(function (localHash) {
        var link = pageUrl.replace(/0\/$/, result.body.id + "/");
        var message = text.filed + " " + result.body.sha256;
        if (localHash) message += " — " + (localHash === result.body.sha256 ? text.hashOk : text.hashBad);
        show(message, "success");
        var anchor = document.createElement("a");
        anchor.href = link;
        anchor.id = "filed-link";
        anchor.dataset.evidenceId = result.body.id;
        anchor.dataset.sha256 = result.body.sha256;
        anchor.textContent = "#" + result.body.id;
        uploadStatus.appendChild(document.createTextNode(" "));
        uploadStatus.appendChild(anchor);
        return true;
      });
    }
    var retryable = result.status === 0 || result.status >= 500 || result.status === 429;
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

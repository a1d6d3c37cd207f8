/* Amity: the little behaviour htmx does not cover. No inline scripts (CSP: script-src 'self'). */
(function () {
  "use strict";

  function dialog() { return document.getElementById("capture"); }
  function form() { return document.getElementById("capture-form"); }

  function addChip(id, name) {
    var chips = document.getElementById("capture-chips");
    if (!chips || chips.querySelector('input[name="person_id"][value="' + CSS.escape(String(id)) + '"]')) return;
    var chip = document.createElement("span");
    chip.className = "chip";
    chip.textContent = name;
    var input = document.createElement("input");
    input.type = "hidden"; input.name = "person_id"; input.value = String(id);
    var remove = document.createElement("button");
    remove.type = "button"; remove.setAttribute("data-remove-chip", ""); remove.textContent = "×";
    remove.setAttribute("aria-label", "Remove " + name);
    chip.appendChild(input); chip.appendChild(remove);
    chips.appendChild(chip);
  }

  function openCapture(trigger) {
    var d = dialog();
    var f = form();
    if (!d && !f) { window.location.href = "/capture"; return; }
    if (trigger && f) {
      var ids = JSON.parse(trigger.getAttribute("data-people") || "[]");
      var names = JSON.parse(trigger.getAttribute("data-names") || "[]");
      ids.forEach(function (id, i) { addChip(id, names[i] || ("#" + id)); });
      var kind = trigger.getAttribute("data-kind");
      if (kind && f.elements.kind) f.elements.kind.value = kind;
      var direction = trigger.getAttribute("data-direction");
      if (f.elements.direction) f.elements.direction.value = direction || "";
    }
    if (d && !d.open) d.showModal();
    var names = document.getElementById("capture-names");
    if (names) names.focus();
  }

  function pick(button) {
    addChip(button.getAttribute("data-pick-id"), button.getAttribute("data-pick-name"));
    var input = document.getElementById("capture-names");
    if (input) {
      var parts = input.value.split(",");
      parts.pop();
      input.value = parts.length ? parts.join(",") + ", " : "";
      input.focus();
    }
    var list = document.getElementById("capture-suggestions");
    if (list) list.innerHTML = "";
  }

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  document.addEventListener("click", function (e) {
    var t = e.target.closest("[data-open-capture],[data-close-capture],[data-pick-id],[data-remove-chip],[data-select-all],[data-select-all-backlog]");
    if (!t) return;
    if (t.hasAttribute("data-open-capture")) { e.preventDefault(); openCapture(t); }
    else if (t.hasAttribute("data-close-capture")) { var d = dialog(); if (d && d.open) d.close(); }
    else if (t.hasAttribute("data-pick-id")) { e.preventDefault(); pick(t); }
    else if (t.hasAttribute("data-remove-chip")) { t.parentElement.remove(); }
    else if (t.hasAttribute("data-select-all-backlog")) {
      document.querySelectorAll('#backlog-form input[name="keys"]').forEach(function (box) { box.checked = t.checked; });
    }
    else if (t.hasAttribute("data-select-all")) {
      document.querySelectorAll('input[name="ids"][form="bulk"]').forEach(function (box) { box.checked = t.checked; });
    }
  });

  document.addEventListener("focusin", function (e) {
    if (e.target.hasAttribute && e.target.hasAttribute("data-select-on-focus")) e.target.select();
  });

  document.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && e.target.id === "capture-names") {
      var first = document.querySelector("#capture-suggestions [data-pick-id]");
      if (first) { e.preventDefault(); pick(first); }
      return;
    }
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && e.target.closest && e.target.closest("#capture-form")) {
      e.preventDefault();
      form().requestSubmit();
      return;
    }
    if (typing(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "c") { e.preventDefault(); openCapture(null); }
    else if (e.key === "/") {
      var search = document.getElementById("people-q");
      if (search) { e.preventDefault(); search.focus(); }
      else { e.preventDefault(); window.location.href = "/people"; }
    }
  });

  // after a successful capture, pages that show agenda data refresh their part
  document.body && document.body.addEventListener("interaction-logged", function () {
    var chips = document.getElementById("capture-chips");
    if (chips) chips.innerHTML = "";
  });

  /* issue 12 §6: every capture carries a key (sent twice, logged once); the service worker
     keeps captures made offline and sends them when the network is back */
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  document.addEventListener("submit", function (e) {
    var key = e.target && e.target.id === "capture-form" && e.target.elements.capture_key;
    if (key && !key.value) key.value = newKey();
  }, true);

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js").catch(function () { /* no worker: online only */ });
    window.addEventListener("online", function () {
      navigator.serviceWorker.ready.then(function (reg) {
        if (reg.active) reg.active.postMessage({ type: "flush" });
      });
    });
    navigator.serviceWorker.addEventListener("message", function (e) {
      if (e.data && e.data.type === "captures-sent" && window.htmx) htmx.trigger(document.body, "interaction-logged");
    });
  }
  // issue 12: fields that name a person suggest names from /autocomplete/people in a
  // <datalist id="people-names"> (made once per page); a comma list completes its last name
  var namesTimer = null;
  function namesList() {
    var list = document.getElementById("people-names");
    if (!list) {
      list = document.createElement("datalist");
      list.id = "people-names";
      document.body.appendChild(list);
    }
    return list;
  }
  function suggestNames(input) {
    var parts = input.value.split(",");
    var typed = parts.pop().trim();
    var head = parts.length ? parts.join(",") + ", " : "";
    if (!typed) { namesList().innerHTML = ""; return; }
    fetch("/autocomplete/people?q=" + encodeURIComponent(typed), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (people) {
        var list = namesList();
        list.innerHTML = "";
        people.forEach(function (p) {
          var option = document.createElement("option");
          option.value = head + p.name;
          list.appendChild(option);
        });
      })
      .catch(function () { /* offline: no suggestions */ });
  }
  document.addEventListener("input", function (e) {
    var input = e.target;
    if (!input.hasAttribute || !input.hasAttribute("data-people-autocomplete")) return;
    if (!input.getAttribute("list")) input.setAttribute("list", "people-names");
    namesList();
    clearTimeout(namesTimer);
    namesTimer = setTimeout(function () { suggestNames(input); }, 150);
  });
})();

/* Amity's service worker (issue 12 §6): the shell (styles, scripts, icons, an offline page)
   is cached; a quick capture made offline is kept on the device (IndexedDB) and sent when the
   network is back. Every capture carries a key, so one sent twice is logged once. */
"use strict";
const SHELL = "amity-shell-v1";
const ASSETS = [
  "/static/amity.css", "/static/network.css", "/static/amity.js", "/static/htmx.min.js", "/static/favicon.svg",
  "/static/icon-192.png", "/static/icon-512.png", "/offline",
];
const QUEUED = '<form id="capture-form" class="stack capture"><p class="ok" role="status" id="capture-queued">' +
  "Saved on this device: it will be logged as soon as you are back online.</p>" +
  '<div class="row"><button type="button" data-close-capture>Close</button></div></form>';

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== SHELL).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
      .then(() => flush())
  );
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "flush") event.waitUntil(flush());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && url.pathname === "/capture") {
    event.respondWith(sendOrKeep(request));
    return;
  }
  if (request.method !== "GET") return;
  if (url.pathname.startsWith("/static/")) {
    // network first (an upgraded Amity's scripts and styles apply at once), the cache offline
    event.respondWith(fetch(request).then((response) => {
      if (response.ok) {
        const copy = response.clone();
        caches.open(SHELL).then((cache) => cache.put(request, copy));
      }
      return response;
    }).catch(() => caches.match(request)));
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => caches.match("/offline")));
  }
});

async function sendOrKeep(request) {
  const copy = request.clone();
  try {
    const response = await fetch(request);
    flush();
    return response;
  } catch (offline) {
    await keep({
      url: copy.url,
      body: await copy.text(),
      type: copy.headers.get("Content-Type") || "application/x-www-form-urlencoded",
      csrf: copy.headers.get("X-CSRF-Token") || "",
      at: Date.now(),
    });
    return new Response(QUEUED, { status: 200, headers: { "Content-Type": "text/html; charset=utf-8" } });
  }
}

let flushing = null;

function flush() {
  if (!flushing) flushing = sendKept().finally(() => { flushing = null; });
  return flushing;
}

async function sendKept() {
  const items = await all();
  let sent = 0;
  for (const item of items) {
    let response;
    try {
      response = await fetch(item.url, {
        method: "POST",
        body: item.body,
        credentials: "same-origin",
        headers: { "Content-Type": item.type, "X-CSRF-Token": item.csrf, "HX-Request": "true" },
      });
    } catch (stillOffline) {
      break;
    }
    if (response.status >= 500) break; // try again later
    await drop(item.id); // logged, or refused for good (the page would show why)
    sent += 1;
  }
  if (sent) {
    const clients = await self.clients.matchAll();
    clients.forEach((client) => client.postMessage({ type: "captures-sent", count: sent }));
  }
}

function open() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open("amity", 1);
    request.onupgradeneeded = () => request.result.createObjectStore("captures", { keyPath: "id", autoIncrement: true });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function store(mode, work) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction("captures", mode);
    const result = work(tx.objectStore("captures"));
    tx.oncomplete = () => resolve(result && result.result);
    tx.onerror = () => reject(tx.error);
  });
}

function keep(item) { return store("readwrite", (s) => s.add(item)); }
function all() { return store("readonly", (s) => s.getAll()); }
function drop(id) { return store("readwrite", (s) => s.delete(id)); }

// The installable app's service worker: it keeps the page's own files (the shell) so the app opens
// at once and offline shows the page with its reconnect banner. It caches nothing else: never a
// message, a session, a token, /auth, /health or the WebSocket; those always go to the daemon.
'use strict';

const CACHE = 'openpista-shell-v1';
const SHELL = ['/', '/index.html', '/app.js', '/slash.js', '/markdown.js', '/style.css', '/icon.svg',
  '/icon-192.png', '/icon-512.png', '/manifest.webmanifest'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
    .then(() => self.clients.claim()));
});

function shellPath(url) {
  if (url.origin !== self.location.origin) return null;
  // /s/SESSION is the same page; the session id itself is never stored
  if (url.pathname.startsWith('/s/')) return '/';
  return SHELL.includes(url.pathname) ? url.pathname : null;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const path = shellPath(new URL(request.url));
  if (path === null) return; // everything else goes to the network untouched
  // network first, so an upgraded daemon's page is used at once; the cached shell when offline
  event.respondWith(fetch(request).then((response) => {
    if (response.ok && response.type === 'basic') {
      const copy = response.clone();
      caches.open(CACHE).then((cache) => cache.put(path, copy));
    }
    return response;
  }).catch(() => caches.match(path).then((cached) => cached || Response.error())));
});

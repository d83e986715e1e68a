// Forecourt service worker: keeps the app shell for showroom tablets.
// - precaches the offline page, manifest and icons;
// - once a page is interactive it asks for the rest of the build (every page's code chunk,
//   listed at /sw-precache.json), so a tablet opens any page offline; files of older
//   releases are dropped then;
// - hashed build files under /pkg/ are cache-first (their names change with their content);
// - pages and data are network-first, falling back to the last copy, then the offline page.
const VERSION = 'forecourt-v4';
const SHELL = [
  '/offline.html',
  '/offline.js',
  '/manifest.webmanifest',
  '/favicon.svg',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(VERSION).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== VERSION).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

async function precacheBuild() {
  const res = await fetch('/sw-precache.json', { cache: 'no-store' });
  if (!res.ok) return;
  const files = await res.json();
  const cache = await caches.open(VERSION);
  for (const request of await cache.keys()) {
    const path = new URL(request.url).pathname;
    if (path.startsWith('/pkg/') && !files.includes(path)) await cache.delete(request);
  }
  for (const file of files) {
    if (!(await cache.match(file))) {
      try {
        await cache.add(file);
      } catch (_) {
        // Offline or a newer release meanwhile: the next page load asks again.
      }
    }
  }
}

self.addEventListener('message', (event) => {
  if (event.data === 'precache') event.waitUntil(precacheBuild());
});

async function cacheFirst(request) {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) (await caches.open(VERSION)).put(request, response.clone());
  return response;
}

async function networkFirst(request, isPage) {
  try {
    const response = await fetch(request);
    if (response.ok && response.type === 'basic') {
      (await caches.open(VERSION)).put(request, response.clone());
    }
    return response;
  } catch (err) {
    const cached = await caches.match(request);
    if (cached) return cached;
    if (isPage) return (await caches.match('/offline.html')) || Response.error();
    throw err;
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // Downloads and the live event stream go straight to the network, never to the cache.
  if (url.pathname.endsWith('.xlsx') || url.pathname.startsWith('/events/')) return;
  if (url.pathname.startsWith('/pkg/')) {
    event.respondWith(cacheFirst(request));
  } else if (request.mode === 'navigate') {
    event.respondWith(networkFirst(request, true));
  } else if (url.pathname.startsWith('/sfn/') || url.pathname.startsWith('/api/') || SHELL.includes(url.pathname)) {
    event.respondWith(networkFirst(request, false));
  }
});

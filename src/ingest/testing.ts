/**
 * A local HTTP server for ingest tests: serves the fixture feeds and pages in src/ingest/fixtures
 * (HOST replaced by its own address) and the faults the ingester must survive.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const FIXTURES = new URL('../../src/ingest/fixtures/', import.meta.url);

export function fixture(name: string): Buffer {
  return readFileSync(new URL(name, FIXTURES));
}

interface Route {
  file?: string;
  type: string;
  status?: number;
  /** Serve only the first fraction of the file. */
  truncate?: number;
  etag?: string;
  lastModified?: string;
}

const ROUTES: Record<string, Route> = {
  '/wp/feed/': { file: 'wordpress-rss.xml', type: 'application/rss+xml; charset=UTF-8', etag: '"wp-feed-v1"', lastModified: 'Tue, 02 Dec 2026 09:12:44 GMT' },
  '/atom-site/atom.xml': { file: 'atom.xml', type: 'application/atom+xml' },
  '/feeds/feed.json': { file: 'feed.json', type: 'application/feed+json' },
  '/old-site/rss.asp': { file: 'windows-1256.xml', type: 'text/xml' },
  '/old-site/news.asp?id=7781': { file: 'windows-1256-page.html', type: 'text/html' },
  '/pages/book-fair.html': { file: 'boilerplate-page.html', type: 'text/html; charset=utf-8' },
  '/json-site/morocco-semifinal': { file: 'jsonld-page.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index-page.html', type: 'text/html; charset=utf-8' },
  '/bad/html-feed': { file: 'boilerplate-page.html', type: 'text/html; charset=utf-8' },
  '/bad/truncated.xml': { file: 'wordpress-rss.xml', type: 'application/rss+xml', truncate: 0.6 },
  '/bad/image.jpg': { type: 'image/jpeg' },
};

export interface FixtureServer {
  base: string;
  server: Server;
  /** Requests seen, by path and query. */
  hits: Map<string, number>;
  /** Conditional requests answered 304. */
  notModified: number;
  /** Replace or add a body for a path at run time (e.g. a feed that gains an item). */
  override: Map<string, { body: string | Buffer; type: string; etag?: string; status?: number }>;
  close(): Promise<void>;
}

export async function startFixtureServer(): Promise<FixtureServer> {
  const hits = new Map<string, number>();
  const override = new Map<string, { body: string | Buffer; type: string; etag?: string; status?: number }>();
  const timers = new Set<NodeJS.Timeout>();
  const state = { notModified: 0 };
  let base = '';
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const o = override.get(path);
    if (o) {
      if (o.etag && req.headers['if-none-match'] === o.etag) {
        state.notModified++;
        res.writeHead(304, { etag: o.etag }).end();
        return;
      }
      res.writeHead(o.status ?? 200, { 'content-type': o.type, ...(o.etag ? { etag: o.etag } : {}) }).end(o.body);
      return;
    }
    if (path === '/bad/loop-a') return void res.writeHead(302, { location: '/bad/loop-b' }).end();
    if (path === '/bad/loop-b') return void res.writeHead(301, { location: base + '/bad/loop-a' }).end();
    if (path === '/bad/slow.xml') {
      const t = setTimeout(() => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end('<rss/>'), 10_000);
      timers.add(t);
      res.on('close', () => clearTimeout(t));
      return;
    }
    if (path === '/bad/huge.xml') {
      // 50 MB without a Content-Length: the cap has to count bytes as they arrive.
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      const chunk = Buffer.from('<item><title>خبر</title></item>\n'.repeat(2000));
      let sent = 0;
      const pump = (): void => {
        while (sent < 50 * 1024 * 1024) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.write('<?xml version="1.0"?><rss version="2.0"><channel>');
      pump();
      return;
    }
    const route = ROUTES[path];
    if (!route || !route.file) {
      res.writeHead(route ? 200 : 404, { 'content-type': route?.type ?? 'text/html' }).end(route ? Buffer.from([0xff, 0xd8, 0xff]) : '<h1>404</h1>');
      return;
    }
    if (route.etag && req.headers['if-none-match'] === route.etag) {
      state.notModified++;
      res.writeHead(304, { etag: route.etag }).end();
      return;
    }
    let body = Buffer.from(fixture(route.file).toString('latin1').replaceAll('http://HOST', base), 'latin1');
    if (route.truncate) body = body.subarray(0, Math.floor(body.length * route.truncate));
    res.writeHead(route.status ?? 200, {
      'content-type': route.type,
      ...(route.etag ? { etag: route.etag } : {}),
      ...(route.lastModified ? { 'last-modified': route.lastModified } : {}),
    });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    server,
    hits,
    get notModified() {
      return state.notModified;
    },
    override,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

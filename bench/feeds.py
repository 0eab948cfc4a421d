#!/usr/bin/env python3
"""Feeds for bench/compare-newsboat.sh.

  feeds.py generate DIR [FEEDS] [ITEMS]   write DIR/feed-NN.xml (RSS 2.0)
  feeds.py serve DIR PORTFILE             serve DIR on 127.0.0.1 (a free port, written
                                          to PORTFILE), threaded, with ETag and
                                          Last-Modified; If-None-Match / If-Modified-Since
                                          get 304. GET /__stats returns and resets the
                                          counts of 200 and 304 responses.

Deterministic: the same arguments give the same bytes.
"""

import email.utils
import hashlib
import http.server
import json
import os
import random
import sys
import threading

WORDS = """the a of to in and on for with after minister said government police officials
report city people election vote talks ceasefire centre council court crisis market prices
energy storm flood fire troops border aid kyiv gaza london washington brussels paris berlin
president prime leader opposition party budget tax health hospital school strike union
workers rescue missing killed injured drone missile attack defence summit deal peace war
statement spokesperson confirmed denied update latest live today morning evening night
announced expected could would has have been was were will not but also more than over
under new first last year week day hours thousands millions billion percent rate bank
inflation growth cabinet campaign candidate capital coalition committee""".split()

AUTHORS = ["Martin Belam", "Tom Ambrose", "Helen Sullivan", "Jakub Krupa", "Rachel Hall",
           "Adam Fulton", "Sam Jones", "Maya Yang", "Ben Quinn"]


def sentence(rng, lo, hi):
    words = [rng.choice(WORDS) for _ in range(rng.randint(lo, hi))]
    words[0] = words[0].capitalize()
    return " ".join(words)


def feed(n, items, base):
    rng = random.Random(n)
    start = 1_760_000_000 - n * 37
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/">\n<channel>\n'
        f"<title>Bench feed {n:02}</title>\n<link>{base}/feed-{n:02}.html</link>\n"
        f"<description>Synthetic news feed number {n}</description>\n<language>en</language>\n"
    ]
    for i in range(items):
        when = email.utils.formatdate(start - i * 300, usegmt=True)
        paragraphs = "".join(
            "<p>" + ". ".join(sentence(rng, 8, 20) for _ in range(rng.randint(2, 4))) + ".</p>"
            for _ in range(rng.randint(2, 5))
        )
        body = paragraphs.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        out.append(
            "<item>\n"
            f"<title>{sentence(rng, 6, 14)}</title>\n"
            f"<link>{base}/feed-{n:02}/story-{i}.html</link>\n"
            f'<guid isPermaLink="false">bench-{n:02}-{i:04}-{rng.getrandbits(48):012x}</guid>\n'
            f"<pubDate>{when}</pubDate>\n"
            f"<dc:creator>{rng.choice(AUTHORS)}</dc:creator>\n"
            f"<category>{rng.choice(WORDS)}</category>\n"
            f"<description>{body}</description>\n"
            "</item>\n"
        )
    out.append("</channel>\n</rss>\n")
    return "".join(out).encode()


def generate(directory, feeds, items):
    os.makedirs(directory, exist_ok=True)
    total = 0
    for n in range(feeds):
        data = feed(n, items, "https://example.org/bench")
        with open(os.path.join(directory, f"feed-{n:02}.xml"), "wb") as f:
            f.write(data)
        total += len(data)
    print(f"generated {feeds} feeds x {items} items, {total / 1e6:.1f} MB, in {directory}")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    root = "."
    stats = {"200": 0, "304": 0, "404": 0}
    lock = threading.Lock()
    cache = {}

    def log_message(self, *args):
        pass

    def count(self, status):
        with self.lock:
            self.stats[status] += 1

    def do_GET(self):
        if self.path == "/__stats":
            with self.lock:
                body = json.dumps(self.stats).encode()
                for key in self.stats:
                    self.stats[key] = 0
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        name = os.path.basename(self.path.split("?", 1)[0])
        path = os.path.join(self.root, name)
        if name not in self.cache:
            try:
                with open(path, "rb") as f:
                    data = f.read()
            except OSError:
                self.count("404")
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            etag = '"' + hashlib.sha1(data).hexdigest()[:20] + '"'
            modified = email.utils.formatdate(os.stat(path).st_mtime, usegmt=True)
            self.cache[name] = (data, etag, modified)
        data, etag, modified = self.cache[name]
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        if (inm and etag in [t.strip() for t in inm.split(",")]) or (not inm and ims == modified):
            self.count("304")
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", modified)
            self.end_headers()
            return
        self.count("200")
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", modified)
        self.end_headers()
        self.wfile.write(data)


def serve(directory, portfile):
    Handler.root = directory
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    with open(portfile + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(portfile + ".tmp", portfile)
    server.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "generate":
        generate(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 50,
                 int(sys.argv[4]) if len(sys.argv) > 4 else 100)
    elif len(sys.argv) == 4 and sys.argv[1] == "serve":
        serve(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)

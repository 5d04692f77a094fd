#!/usr/bin/env python3
"""Serves Loupe's static site (dist/) on 127.0.0.1 with the same Content-Security-Policy header
as the page's meta tag. Python 3 standard library only.

    python3 scripts/serve.py [--dir dist] [--port 8080] [--host 127.0.0.1]

PORT in the environment also sets the port; port 0 picks a free one. The chosen URL is printed
on the first line of standard output.
"""
import argparse
import functools
import http.server
import os
import sys

CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; worker-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
)
# embed.html is made to be framed by other origins (the iframe way of embedding): the frame
# itself accepts messages only from the origins its `allow` parameter lists (docs/embedding.md).
CSP_EMBED = CSP.replace("frame-ancestors 'self'", "frame-ancestors *")


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".css": "text/css",
        ".json": "application/json",
        ".jsonl": "application/x-ndjson",
        ".html": "text/html; charset=utf-8",
    }

    def end_headers(self):
        embed = self.path.split("?")[0] == "/embed.html"
        self.send_header("Content-Security-Policy", CSP_EMBED if embed else CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cross-Origin-Opener-Policy", "same-origin")
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, fmt, *args):
        if os.environ.get("LOUPE_SERVE_QUIET"):
            return
        super().log_message(fmt, *args)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dir", default="dist")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8080")))
    a = p.parse_args()
    if not os.path.isfile(os.path.join(a.dir, "index.html")):
        sys.exit(f"serve: {a.dir}/index.html is missing; run `make dist` first")
    handler = functools.partial(Handler, directory=a.dir)
    http.server.ThreadingHTTPServer.allow_reuse_address = True
    with http.server.ThreadingHTTPServer((a.host, a.port), handler) as httpd:
        host, port = httpd.server_address[:2]
        print(f"Loupe: http://{host}:{port}/  (Ctrl+C stops)", flush=True)
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()

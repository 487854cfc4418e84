#!/usr/bin/env python3
"""A JSON-RPC proxy that adds a fixed delay to every HTTP request, like a
distant public endpoint, and counts requests.

    delay_proxy.py LISTEN_PORT UPSTREAM_URL DELAY_MS

POST / is forwarded to UPSTREAM_URL after DELAY_MS; GET /count returns the
number of POSTs so far and resets it. Standard library only.
"""
import socket
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, UPSTREAM, DELAY = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]) / 1000
count = 0
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def setup(self):
        super().setup()
        # Headers and body go out in separate writes: without this, Nagle's
        # algorithm and the client's delayed ACK add 40 ms to every request
        # after the first on a kept-alive connection (a proxy artifact).
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def reply(self, code, body):
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        global count
        with lock:
            n, count = count, 0
        self.reply(200, str(n).encode())

    def do_POST(self):
        global count
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with lock:
            count += 1
        time.sleep(DELAY)
        req = urllib.request.Request(UPSTREAM, data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req) as resp:
            self.reply(resp.status, resp.read())


ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()

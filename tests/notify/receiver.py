"""A webhook receiver on 127.0.0.1 for tests and the benchmark.

It checks each request's ``X-Xinsheng-Signature`` with the hmac module (independently of
the code under test), records it, and answers what ``behaviour(key, n)`` says: an HTTP
status, ``"hang"`` (no answer until the client gives up), or ``"drop"`` (close the
connection without an answer). ``n`` is how many times that key has arrived, from 1.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Server(ThreadingHTTPServer):
    request_queue_size = 256  # many workers' threads connect at once
    daemon_threads = True


@dataclass
class Received:
    key: str
    signature_ok: bool
    body: dict
    headers: dict


class Receiver:
    def __init__(self, secret: str, behaviour: Callable[[str, int], int | str] | None = None,
                 on_request: Callable[[Received], None] | None = None, delay: float = 0.0) -> None:
        self.secret = secret.encode()
        self.behaviour = behaviour or (lambda key, n: 200)
        self.on_request = on_request
        self.delay = delay
        self.received: list[Received] = []
        self.lock = threading.Lock()
        self.release = threading.Event()  # set on stop: hanging handlers return
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802
                receiver._handle(self)

            def log_message(self, *args) -> None:
                pass

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        body = h.rfile.read(int(h.headers.get("Content-Length", 0)))
        expected = "sha256=" + hmac.new(self.secret, body, hashlib.sha256).hexdigest()
        got = h.headers.get("X-Xinsheng-Signature", "")
        rec = Received(h.headers.get("Idempotency-Key", ""), hmac.compare_digest(expected, got),
                       json.loads(body), dict(h.headers))
        with self.lock:
            self.received.append(rec)
            n = sum(1 for r in self.received if r.key == rec.key)
        if self.on_request:
            self.on_request(rec)
        if self.delay:
            time.sleep(self.delay)
        action = self.behaviour(rec.key, n) if rec.signature_ok else 401
        if action == "hang":
            self.release.wait(30)
            h.close_connection = True
            return
        if action == "drop":
            h.close_connection = True
            return
        h.send_response(int(action))
        h.send_header("Content-Length", "0")
        if 300 <= int(action) < 400:
            h.send_header("Location", "http://127.0.0.1:9/elsewhere")
        h.end_headers()

    def keys(self) -> Counter:
        with self.lock:
            return Counter(r.key for r in self.received)

"""Real receivers for the webhooks, started by the tests: an HTTP server (stdlib, in a
thread) that verifies each request with the `standardwebhooks` library, as a receiver
following the Standard Webhooks specification would, and answers what the test asks
(500s before a 200, a 400, a redirect); and a receiver that never answers."""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from standardwebhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes
    payload: dict | None  # what Webhook(secret).verify returned; None if it refused
    refused: str  # why verification failed (empty when it passed)


class Receiver:
    def __init__(self):
        self.secret = ""
        self.answers: list[int] = []  # statuses to answer, in turn; then 200
        self.received: list[Received] = []
        # A port the system picks: test processes running side by side (xdist) each get
        # their own receiver.
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        port = self.server.server_address[1]
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{port}/hooks/hoshin"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def verified(self) -> list[dict]:
        return [r.payload for r in self.received if r.payload is not None]

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                payload, refused = None, ""
                try:
                    payload = Webhook(receiver.secret).verify(body, headers)
                except (WebhookVerificationError, ValueError) as exc:
                    refused = str(exc) or type(exc).__name__
                receiver.received.append(Received(self.path, headers, body, payload, refused))
                status = receiver.answers.pop(0) if receiver.answers else 200
                if refused:
                    status = 401
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                out = json.dumps({"ok": status < 300}).encode()
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

        return Handler

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def silent_receiver(settings):
    """A receiver that takes the connection and never answers; deliveries wait 0.5 s."""
    settings.HOSHIN_WEBHOOK_TIMEOUT = 0.5
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)  # connections wait in the backlog: accepted by the kernel, unanswered
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/hooks"
    listener.close()

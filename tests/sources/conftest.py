"""Real peers for sources, started by the tests: an HTTP server (stdlib, in a thread)
serving JSON and CSV documents, 401s, 500s and answers too slow to wait for."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

TOKEN = "s3cret-token-value"
API_KEY = "k-123-secret-header"


class Peer:
    def __init__(self):
        self.documents: dict[str, tuple[int, str, bytes]] = {}
        self.requests: list[tuple[str, dict]] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.set_json("/kpi.json", {"data": {"total": 27.5, "series": [1, 2]}})

    def set_json(self, path: str, document, status: int = 200) -> None:
        self.documents[path] = (status, "application/json", json.dumps(document).encode())

    def set_text(self, path: str, text: str, content_type: str = "text/csv",
                 status: int = 200) -> None:
        self.documents[path] = (status, content_type, text.encode())

    def _handler(self):
        peer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                peer.requests.append((self.path, dict(self.headers)))
                if self.path.startswith("/slow"):
                    time.sleep(2)
                if self.path.startswith("/secure") and \
                        self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    return self._send(401, "application/json", b'{"error": "unauthorized"}')
                if self.path.startswith("/keyed") and self.headers.get("X-Api-Key") != API_KEY:
                    return self._send(403, "application/json", b'{"error": "forbidden"}')
                if self.path.startswith("/moved"):
                    self.send_response(302)
                    self.send_header("Location", self.path.split("?to=", 1)[1])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return None
                if self.path.startswith("/broken"):
                    return self._send(500, "text/html", b"<h1>Internal error</h1>")
                found = peer.documents.get(self.path.split("?")[0])
                if found is None and self.path.split("?")[0].startswith(
                        ("/secure", "/keyed", "/slow")):
                    found = peer.documents.get("/kpi.json")
                if found is None:
                    return self._send(404, "text/plain", b"not found")
                self._send(*found)

            def _send(self, status, content_type, body):
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def peer():
    server = Peer()
    yield server
    server.close()


@pytest.fixture
def short_timeout(settings):
    settings.HOSHIN_SOURCES_TIMEOUT = 0.5
    return 0.5


@pytest.fixture
def as_(plan):
    """as_(person) → an API client with that person's token (None: anonymous)."""
    from hoshin.org import services as org
    from tests.api.conftest import ApiClient

    def make(who):
        return ApiClient(org.create_token(None, who) if who is not None else None)

    return make

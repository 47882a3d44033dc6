"""A local stand-in for the dbt Cloud Admin API v2 artifacts endpoint, on 127.0.0.1.

GET /api/v2/accounts/{account}/runs/{run}/artifacts/{path} answers the file's bytes (200,
application/json) when the Authorization header is `Token <token>` or `Bearer <token>`; otherwise
401 with the API's JSON error envelope; unknown account/run/path gives 404 with the same envelope.
Every request is recorded (path, query, headers) for the tests to inspect.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class FakeCloud:
    account_id: str
    token: str
    runs: dict[str, dict[str, bytes]]  # run id -> artifact path -> body
    requests: list[dict[str, Any]] = field(default_factory=list)
    base_url: str = ""


def _envelope(code: int, message: str) -> bytes:
    return json.dumps(
        {
            "status": {
                "code": code,
                "is_success": False,
                "user_message": message,
                "developer_message": None,
            },
            "data": None,
        }
    ).encode()


def _handler(cloud: FakeCloud) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

        def _send(self, code: int, body: bytes) -> None:
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            parsed = urllib.parse.urlparse(self.path)
            cloud.requests.append(
                {
                    "path": parsed.path,
                    "query": urllib.parse.parse_qs(parsed.query),
                    "headers": dict(self.headers.items()),
                }
            )
            auth = self.headers.get("Authorization", "")
            if auth not in (f"Token {cloud.token}", f"Bearer {cloud.token}"):
                self._send(401, _envelope(401, "Invalid token."))
                return
            parts = parsed.path.strip("/").split("/")
            # api v2 accounts {id} runs {id} artifacts {path...}
            if (
                len(parts) < 8
                or parts[:3] != ["api", "v2", "accounts"]
                or parts[4] != "runs"
                or parts[6] != "artifacts"
            ):
                self._send(404, _envelope(404, "The requested resource was not found."))
                return
            account, run, artifact = parts[3], parts[5], urllib.parse.unquote("/".join(parts[7:]))
            body = cloud.runs.get(run, {}).get(artifact) if account == cloud.account_id else None
            if body is None:
                self._send(404, _envelope(404, "The requested resource was not found."))
                return
            self._send(200, body)

    return Handler


@contextmanager
def serve(cloud: FakeCloud) -> Iterator[FakeCloud]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(cloud))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    cloud.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield cloud
    finally:
        server.shutdown()
        server.server_close()
        thread.join()

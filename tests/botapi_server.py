"""A Bot API server on loopback, for driving a real `partnerbot run` process over HTTP."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from bot.offline import ApiCall, OfflineBotAPI


class BotApiServer:
    """Answers Bot API calls like Telegram (via OfflineBotAPI's answers) and serves getUpdates."""

    def __init__(self) -> None:
        self.api = OfflineBotAPI()
        self.updates: list[dict[str, Any]] = []
        self.next_update_id = 1
        self.lock = threading.Condition()
        # Replies to this chat wait before they are answered (the bot can be killed meanwhile).
        self.holding: int | None = None
        self.held = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
                params = server.parse(self.headers.get("Content-Type", ""), body)
                method = self.path.rsplit("/", 1)[-1]
                result = server.answer(method, params)
                payload = json.dumps({"ok": True, "result": result}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST

        self.http = _QuietServer(("127.0.0.1", 0), Handler)
        self.port = self.http.server_address[1]
        self.thread = threading.Thread(target=self.http.serve_forever, daemon=True)

    def __enter__(self) -> BotApiServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.shutdown()
        self.http.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @staticmethod
    def parse(content_type: str, body: bytes) -> dict[str, Any]:
        if "json" in content_type:
            return json.loads(body or b"{}")
        params: dict[str, Any] = {}
        for key, values in parse_qs(body.decode()).items():
            try:
                params[key] = json.loads(values[0])
            except json.JSONDecodeError:
                params[key] = values[0]
        return params

    def answer(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getUpdates":
            offset = int(params.get("offset") or 0)
            deadline = time.monotonic() + min(float(params.get("timeout") or 0), 1.0)
            with self.lock:
                # Like Telegram: asking for a higher offset confirms, and forgets, what is below.
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
                while True:
                    ready = [u for u in self.updates if u["update_id"] >= offset]
                    if ready or time.monotonic() >= deadline:
                        return ready
                    self.lock.wait(0.05)
        if self.holding is not None and str(params.get("chat_id")) == str(self.holding):
            # Held, the bot is killed meanwhile: this call never reaches the chat.
            self.held.set()
            time.sleep(5)
            return True
        with self.lock:
            self.api.calls.append(ApiCall(method, params))
            return self.api.answer(method, params)

    def push(self, payload: dict[str, Any]) -> None:
        """Queue an update for getUpdates."""
        with self.lock:
            self.updates.append({"update_id": self.next_update_id, **payload})
            self.next_update_id += 1
            self.lock.notify_all()

    def wait_for(self, predicate, timeout: float = 20.0) -> None:
        """Wait until predicate(api) holds (the bot process answers asynchronously)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self.lock:
                if predicate(self.api):
                    return
            time.sleep(0.05)
        raise AssertionError(
            f"the bot did not answer in time; calls: {[c.method for c in self.api.calls][-10:]}"
        )


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A killed bot process leaves broken connections behind; that is the point."""

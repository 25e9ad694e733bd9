"""The API server over kept-alive HTTPS: many small requests, and watches, without kubectl.

kubectl costs a process start per call; at a thousand claims the stand-in provider
makes tens of thousands of calls, so it talks to the API server directly, with the
admin client certificate, one connection per thread.
"""

from __future__ import annotations

import http.client
import json
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from e2e import controlplane
from e2e.controlplane import State

WATCH_SECONDS = 30


class ApiError(RuntimeError):
    """The API server answered with an error status."""


class Api:
    def __init__(self, state: State) -> None:
        self.port = state.ports["apiserver"]
        self.context: ssl.SSLContext = controlplane.admin_ssl_context(state)
        self.local = threading.local()

    def _connection(self, timeout: float = 60) -> http.client.HTTPSConnection:
        return http.client.HTTPSConnection(
            "127.0.0.1", self.port, context=self.context, timeout=timeout
        )

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        content_type: str = "application/json",
    ) -> tuple[int, Any]:
        """One call on this thread's connection (made again once if it was closed)."""
        data = None if body is None else json.dumps(body).encode()
        headers = {"Accept": "application/json", "Content-Type": content_type}
        for attempt in (1, 2):
            conn = getattr(self.local, "conn", None) or self._connection()
            self.local.conn = conn
            try:
                conn.request(method, path, body=data, headers=headers)
                rsp = conn.getresponse()
                raw = rsp.read()
            except (http.client.HTTPException, OSError):
                conn.close()
                self.local.conn = None
                if attempt == 2:
                    raise
                continue
            return rsp.status, json.loads(raw) if raw else None
        raise AssertionError("unreachable")

    def get(self, path: str) -> Any:
        status, body = self.request("GET", path)
        if status != 200:
            raise ApiError(f"GET {path}: {status} {body}")
        return body

    def create(self, path: str, obj: dict[str, Any]) -> None:
        status, body = self.request("POST", path, obj)
        if status not in (200, 201, 409):  # 409: it exists already
            raise ApiError(f"POST {path}: {status} {body}")

    def patch_status(self, path: str, patch: dict[str, Any]) -> int:
        """A merge patch of ``path``'s status; the status code (404 and 409 are not errors)."""
        status, body = self.request(
            "PATCH", f"{path}/status", patch, "application/merge-patch+json"
        )
        if status not in (200, 404, 409):
            raise ApiError(f"PATCH {path}/status: {status} {body}")
        return status

    def watch(self, path: str, stop: threading.Event) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every object under ``path`` (as ADDED), then its changes, until ``stop`` is set.

        Watches restart from the last resourceVersion seen; a watch too old to resume
        (410 Gone) lists again, yielding every object again as ADDED.
        """
        while not stop.is_set():
            listing = self.get(path)
            version = listing["metadata"]["resourceVersion"]
            for item in listing["items"]:
                yield "ADDED", item
            while not stop.is_set():
                conn = self._connection(timeout=WATCH_SECONDS + 30)
                try:
                    conn.request(
                        "GET",
                        f"{path}?watch=1&allowWatchBookmarks=true&timeoutSeconds={WATCH_SECONDS}"
                        f"&resourceVersion={version}",
                        headers={"Accept": "application/json"},
                    )
                    rsp = conn.getresponse()
                    if rsp.status == 410:
                        break
                    if rsp.status != 200:
                        raise ApiError(f"watch {path}: {rsp.status} {rsp.read()!r}")
                    gone = False
                    for line in rsp:
                        event = json.loads(line)
                        if event["type"] == "ERROR":
                            gone = True
                            break
                        version = event["object"]["metadata"]["resourceVersion"]
                        if event["type"] != "BOOKMARK":
                            yield event["type"], event["object"]
                    if gone:
                        break
                except (http.client.HTTPException, OSError):
                    if stop.is_set():
                        return
                finally:
                    conn.close()


def keep_watching(
    api: Api,
    path: str,
    stop: threading.Event,
    handle: Callable[[str, dict[str, Any]], None],
    errors: list[str],
) -> None:
    """``api.watch(path)`` into ``handle`` until ``stop``, started again after any failure.

    A loaded API server times requests out or refuses them; a watcher that died
    then would leave every later object unanswered, so each failure is recorded
    (and printed once), and the watch lists again a second later.
    """
    while not stop.is_set():
        try:
            for kind, obj in api.watch(path, stop):
                handle(kind, obj)
        except Exception as exc:  # recorded; the watch starts again
            if not errors:
                print(f"e2e-scale: watch {path} failed, starting it again: {exc!r}", flush=True)
            errors.append(f"watch {path}: {exc!r}")
            time.sleep(1)

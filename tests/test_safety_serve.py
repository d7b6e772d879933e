"""Issue 12, ``gkml serve``: the preview server answers every request with a status code,
closes idle connections and never runs more than its share of threads. A real server on a
free port, real sockets."""

from __future__ import annotations

import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from builder.site.preview import Preview


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[Preview]:
    (tmp_path / "index.html").write_text("<html><body>首页</body></html>", encoding="utf-8")
    server = Preview(tmp_path, "127.0.0.1:0", idle_timeout=1.0, max_threads=8)
    yield server
    server.close()


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def _raw_status(preview: Preview, target: str) -> bytes:
    host, port = preview.url.split("//")[1].rstrip("/").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
        return answer


@pytest.mark.parametrize("target", ["/%00", "/a%00b/index.html", "/" + "a/" * 20_000, "/" + "b" * 5000,
                                    "/%2e%2e/%2e%2e/etc/passwd"])
def test_every_request_gets_a_status_code(preview: Preview, target: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    head = _raw_status(preview, target)
    assert head.startswith(b"HTTP/1.") and head[9:12] in (b"404", b"400", b"414", b"301"), head[:80]
    assert _status(preview.url) == 200  # and the server is still there
    assert "Traceback" not in capsys.readouterr().err


def test_half_open_connections_neither_grow_threads_nor_live_forever(preview: Preview) -> None:
    host, port = preview.url.split("//")[1].rstrip("/").split(":")
    before = threading.active_count()
    idle = [socket.create_connection((host, int(port)), timeout=10) for _ in range(200)]
    for sock in idle[::2]:
        sock.sendall(b"GET / HTTP/1.1\r\n")  # half a request, never finished
    time.sleep(0.5)
    assert threading.active_count() <= before + 8
    time.sleep(1.5)  # past the idle timeout: every slot is free again
    assert _status(preview.url) == 200
    for sock in idle:  # each was answered (503, or 408 for the half request) and closed
        sock.settimeout(5)
        while sock.recv(4096):
            pass
        sock.close()
    assert threading.active_count() <= before + 1

"""The local web server of ``gkml serve``: serves a built folder, reloads open pages."""

from __future__ import annotations

import contextlib
import functools
import html
import http.server
import threading
from pathlib import Path
from typing import Any

# --- live preview ----------------------------------------------------------------------


class Preview:
    """A local web server for a built site whose open pages reload when told to.

    Each HTML page it sends gets a small script that asks ``/.gkml-reload`` for the site's
    version twice a second and reloads the page when it changed (MkDocs' own server
    would rebuild the site itself; here gkml builds, see ``build.serve``). The folder is
    looked up on every request, so a build swapped in is served at once.

    It holds up against a careless or hostile client: every request gets a status code
    (a path with %00 or thousands of segments gets 404, never a traceback), a connection
    idle for ``idle_timeout`` seconds is closed, and at most ``max_threads`` connections are
    served at once (the next get 503 at once), so half-open connections cannot pile up
    threads.
    """

    _PATH = "/.gkml-reload"

    def __init__(self, site_dir: Path, addr: str, *, idle_timeout: float = 10.0,
                 max_threads: int = 32) -> None:
        host, _, port = addr.rpartition(":")
        self.version = 0
        self.notice = ""
        handler = functools.partial(_PreviewHandler, self, directory=str(site_dir))
        self._server = _BoundedServer((host or "127.0.0.1", int(port)), handler, max_threads)
        self.idle_timeout = idle_timeout
        self.url = f"http://{host or '127.0.0.1'}:{self._server.server_port}/"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def reload(self) -> None:
        self.version += 1

    def tell(self, notice: str) -> None:
        """Show ``notice`` at the top of every open page ("" takes it away): a clerk who looks
        only at the browser must see that a save was not taken. The pages reload to show it."""
        if notice != self.notice:
            self.notice = notice
            self.reload()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def script(self) -> bytes:
        poll = (f"<script>(()=>{{const v='{self.version}';setInterval(()=>fetch('{self._PATH}',"
                "{cache:'no-store'}).then(r=>r.text()).then(t=>{if(t!==v)location.reload()})"
                ".catch(()=>{}),500)})()</script>")
        return (self._banner() + poll).encode()

    def _banner(self) -> str:
        if not self.notice:
            return ""
        return ('<div id="gkml-notice" role="alert" style="position:fixed;top:0;left:0;right:0;'
                "z-index:10000;padding:.8rem 1.2rem;background:#b71c1c;color:#fff;font-size:1rem;"
                f'line-height:1.5;white-space:pre-line">{html.escape(self.notice)}</div>')


class _BoundedServer(http.server.ThreadingHTTPServer):
    """A thread per connection, at most ``limit`` at a time; the rest are told 503 and closed.
    A client that goes away mid-answer is its own business: no traceback in the terminal."""

    request_queue_size = 128  # socketserver's 5 makes the kernel drop connections under load

    def __init__(self, addr: tuple[str, int], handler: Any, limit: int) -> None:
        super().__init__(addr, handler)
        self._slots = threading.BoundedSemaphore(limit)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            with contextlib.suppress(OSError):
                request.settimeout(1)
                request.sendall(_BUSY)
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a reset connection or a timeout; the request was answered when it could be

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()


_BUSY = b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


class _PreviewHandler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, preview: Preview, *args: Any, **kwargs: Any) -> None:
        self.preview = preview
        self.timeout = preview.idle_timeout  # type: ignore[misc]  # the socket timeout: idle connections close
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        try:
            self._get()
        except (OSError, ValueError):  # a NUL in the path, a name too long for the system
            self.send_error(404)

    def do_HEAD(self) -> None:
        try:
            super().do_HEAD()
        except (OSError, ValueError):
            self.send_error(404)

    def _get(self) -> None:
        if self.path == Preview._PATH:
            self._send(str(self.preview.version).encode(), "text/plain")
            return
        path = Path(self.translate_path(self.path))
        folder = path.is_dir()
        page = path / "index.html" if folder else path
        slash = self.path.split("?")[0].endswith("/")
        if page.suffix != ".html" or not page.is_file() or (folder and not slash):
            super().do_GET()  # other files, and the redirect of a folder asked for without "/"
            return
        body = page.read_bytes().replace(b"</body>", self.preview.script() + b"</body>", 1)
        self._send(body, "text/html; charset=utf-8")

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass

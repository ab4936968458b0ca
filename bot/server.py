"""The HTTP server: waitress, threaded, in this process.

Why waitress and not gunicorn: the bot keeps one scheduler and one database pool per process,
and waitress serves concurrent requests from a thread pool inside that process, with no fork to
work around; it is a production server (no development warnings), pure Python, and it drains
in-flight requests when it is stopped.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from waitress import wasyncore
from waitress.server import create_server

from bot.slack.gate import MAX_BODY

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication

log = logging.getLogger(__name__)


class HttpServer:
    def __init__(self, app: WSGIApplication, *, host: str, port: int, threads: int) -> None:
        self._server = create_server(
            app,
            host=host,
            port=port,
            threads=threads,
            ident="forvaltningsbot",
            # Slack waits 3 s at most; a slow client must not hold a worker thread for longer.
            channel_timeout=30,
            clear_untrusted_proxy_headers=True,
            # Refused from the declared Content-Length before a byte of the body is buffered
            # (a chunked body once it passes the limit). Waitress refuses a length equal to
            # the limit, so the limit is one past the largest body allowed.
            max_request_body_size=MAX_BODY + 1,
        )
        self._thread: threading.Thread | None = None
        self._stopped = False

    @property
    def port(self) -> int:
        return int(self._server.effective_port)  # type: ignore[union-attr]

    @property
    def url(self) -> str:
        return f"http://{self._server.effective_host}:{self.port}"  # type: ignore[union-attr]

    def serve_forever(self) -> None:
        self._server.run()

    def start_in_background(self) -> None:
        self._thread = threading.Thread(target=self._server.run, name="http", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop accepting, let in-flight requests finish (bounded), close the sockets. Once:
        closing closed sockets again fails with EBADF."""
        if self._stopped:
            return
        self._stopped = True
        server: Any = self._server
        if self._thread is None:
            server.close()
            return
        trigger = server.trigger

        def close_sockets() -> None:
            # Runs on the loop's thread. The trigger leaves the map (the loop ends when the map is
            # empty) but stays open: pull_trigger appends this closure before it writes to the
            # pipe, so the loop, woken by a finished request, may run it first, and a trigger
            # closed here made that write fail with EBADF (or hit a reused descriptor).
            trigger.del_channel()
            for channel in list(server._map.values()):
                try:
                    if channel is server:
                        # The server's own close() would close the trigger as well.
                        wasyncore.dispatcher.close(server)
                    else:
                        channel.close()
                except OSError:  # already closed by its peer: nothing left to close
                    pass
            server._map.clear()

        # Sockets must be closed by the loop's own thread: closing them under a running
        # select() from here fails with EBADF. The trigger runs the closure in that thread.
        trigger.pull_trigger(close_sockets)
        self._thread.join(timeout=10)
        server.task_dispatcher.shutdown()
        trigger.close()  # now no thread can write to it any more
        self._thread = None

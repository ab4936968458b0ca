"""The sender's process as `serve` runs it with SENDER=process: started with the web process,
started again whenever it exits, stopped with it.

The child is `forvaltningsbot send` (an operator may run the same command in a container of
its own instead). It is given the read end of a pipe whose write end only this process holds:
if this process dies without a word (SIGKILL, a crash), the child reads end-of-file and stops,
so no sender outlives the bot that started it. It runs in a session of its own, so a Ctrl-C at
the terminal reaches only this process, which then stops the child in order.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence

log = logging.getLogger(__name__)

COMMAND = (sys.executable, "-m", "bot", "send")
FIRST_RESTART = 1.0
MAX_RESTART = 30.0
# A child that ran this long before it exited was working: the next restart waits the least.
STEADY_SECONDS = 60.0
STOP_SECONDS = 20.0  # the sender's own stop is bounded at 10 s; beyond this it is killed


class SenderProcess:
    def __init__(
        self,
        command: Sequence[str] = COMMAND,
        *,
        env: Mapping[str, str] | None = None,
        first_restart: float = FIRST_RESTART,
        max_restart: float = MAX_RESTART,
    ) -> None:
        self._command = list(command)
        self._env = dict(env) if env is not None else None
        self._first, self._most = first_restart, max_restart
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._pipe: int | None = None  # the write end: held open for as long as we live
        self._started_at = 0.0
        self._watcher: threading.Thread | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self.restarts = 0

    def start(self) -> None:
        with self._lock:
            self._spawn()
        self._watcher = threading.Thread(target=self._watch, name="sender-process", daemon=True)
        self._watcher.start()

    def stop(self) -> None:
        with self._lock:
            self._stopping.set()
            process = self.process
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                log.warning("sender process (pid %s) did not stop in time: killed", process.pid)
                process.kill()
                process.wait()
        if self._watcher is not None:
            self._watcher.join(STOP_SECONDS)
        self._close_pipe()

    def _spawn(self) -> None:
        read, write = os.pipe()
        try:
            self.process = subprocess.Popen(  # noqa: S603  (our own interpreter and module)
                [*self._command, "--parent-fd", str(read)],
                pass_fds=(read,),
                env=self._env,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        except BaseException:
            os.close(write)
            raise
        finally:
            os.close(read)  # the child's copy is the one that matters
        self._pipe = write
        self._started_at = time.monotonic()
        log.info("sender process started (pid %s)", self.process.pid)

    def _watch(self) -> None:
        wait = 0.0
        while True:
            process = self.process
            if process is None:  # the last start failed
                wait = min(self._most, wait * 2 or self._first)
            else:
                code = process.wait()
                ran = time.monotonic() - self._started_at
                with self._lock:
                    if self._stopping.is_set():
                        return
                    self._close_pipe()
                steady = ran >= STEADY_SECONDS
                wait = self._first if steady else min(self._most, wait * 2 or self._first)
                log.error(
                    "sender process (pid %s) exited with %s after %.1f s (its own words are "
                    "above); starting it again in %.0f s",
                    process.pid,
                    _described(code),
                    ran,
                    wait,
                )
            if self._stopping.wait(wait):
                return
            with self._lock:
                if self._stopping.is_set():
                    return
                self.restarts += 1
                try:
                    self._spawn()
                except OSError:  # no process at all (out of memory, say): tried again later
                    log.exception("sender process could not be started")
                    self.process = None

    def _close_pipe(self) -> None:
        pipe, self._pipe = self._pipe, None
        if pipe is not None:
            os.close(pipe)


def _described(code: int) -> str:
    if code >= 0:
        return f"code {code}"
    try:
        return f"signal {signal.Signals(-code).name}"
    except ValueError:
        return f"signal {-code}"

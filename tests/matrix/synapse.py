"""A real Synapse homeserver for the Matrix tests: one process on a loopback port, on SQLite.

`scripts/ensure-synapse` installs it into `.synapse-venv` (its own pins, not the bot's). The
config is written here, whole, so nothing reaches outside the machine: no federation, no trusted
key server, no stats, no URL previews. Synapse's rate limits stay as they are in production
unless a test asks otherwise, so the adapter meets M_LIMIT_EXCEEDED here as it will there.
"""

from __future__ import annotations

import base64
import ctypes
import ctypes.util
import hashlib
import hmac
import itertools
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import yaml

ROOT = Path(__file__).resolve().parents[2]
SERVER_NAME = "localhost"
START_TIMEOUT = 90.0  # a first start creates the SQLite schema; seen here: about 5 s
STOP_TIMEOUT = 15.0
HTTP_TIMEOUT = 10.0


def synapse_python() -> Path:
    """The interpreter of the venv `scripts/ensure-synapse` installs Synapse into."""
    venv = Path(os.environ.get("SYNAPSE_VENV", ROOT / ".synapse-venv"))
    return venv / "bin" / "python"


def _die_with_parent() -> None:
    # Linux's PR_SET_PDEATHSIG: a test run that is killed does not leave Synapse running.
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    libc.prctl(1, signal.SIGTERM)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class Account:
    """A registered user and the access token registration gave it (its first device)."""

    user_id: str
    password: str
    access_token: str
    device_id: str


class SynapseError(RuntimeError):
    """Synapse did not start, stop or answer as the harness expected."""


def _signing_key() -> str:
    # Synapse's key file is "ed25519 <key id> <unpadded base64 seed>"; any 32 bytes are a seed.
    seed = base64.b64encode(secrets.token_bytes(32)).decode().rstrip("=")
    return f"ed25519 a_{secrets.token_hex(2)} {seed}\n"


def homeserver_config(
    directory: Path, port: int, shared_secret: str, overrides: dict[str, Any]
) -> dict[str, Any]:
    """Synapse's homeserver.yaml for a test server that talks to no one but loopback clients."""
    config: dict[str, Any] = {
        "server_name": SERVER_NAME,
        "public_baseurl": f"http://127.0.0.1:{port}/",
        "pid_file": str(directory / "homeserver.pid"),
        "listeners": [
            {
                "port": port,
                "bind_addresses": ["127.0.0.1"],
                "type": "http",
                "tls": False,
                "x_forwarded": False,
                "resources": [{"names": ["client"], "compress": False}],
            }
        ],
        "database": {"name": "sqlite3", "args": {"database": str(directory / "homeserver.db")}},
        "log_config": str(directory / "log.yaml"),
        "media_store_path": str(directory / "media"),
        "signing_key_path": str(directory / "signing.key"),
        "registration_shared_secret": shared_secret,
        "macaroon_secret_key": secrets.token_hex(16),
        "form_secret": secrets.token_hex(16),
        "enable_registration": False,
        # Outbound traffic: none. No key notary (matrix.org by default), no phoning home, no
        # fetching of links people post, federation with no other server.
        "trusted_key_servers": [],
        "suppress_key_server_warning": True,
        "report_stats": False,
        "url_preview_enabled": False,
        "federation_domain_whitelist": [],
        "enable_metrics": False,
        "presence": {"enabled": False},
    }
    config.update(overrides)
    return config


def _log_config(log_file: Path) -> dict[str, Any]:
    return {
        "version": 1,
        "formatters": {"plain": {"format": "%(asctime)s %(name)s %(levelname)s %(message)s"}},
        "handlers": {
            "file": {
                "class": "logging.FileHandler",
                "formatter": "plain",
                "filename": str(log_file),
            }
        },
        "root": {"level": "INFO", "handlers": ["file"]},
        "disable_existing_loggers": False,
    }


class Synapse:
    """One Synapse process; a context manager that starts it and stops it again.

    `overrides` replaces top-level config keys, e.g. `{"rc_message": {...}}` for a test that
    needs other rate limits than production's.
    """

    def __init__(self, directory: Path, overrides: dict[str, Any] | None = None) -> None:
        self.directory = directory
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.shared_secret = secrets.token_hex(16)
        self.log_file = directory / "homeserver.log"
        self._overrides = overrides or {}
        self._process: subprocess.Popen[bytes] | None = None
        self._names = itertools.count(1)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        python = synapse_python()
        if not python.exists():
            raise SynapseError(f"no Synapse at {python}: run scripts/ensure-synapse")
        self.directory.mkdir(parents=True, exist_ok=True)
        (self.directory / "media").mkdir(exist_ok=True)
        (self.directory / "signing.key").write_text(_signing_key())
        (self.directory / "log.yaml").write_text(yaml.safe_dump(_log_config(self.log_file)))
        config_file = self.directory / "homeserver.yaml"
        config = homeserver_config(self.directory, self.port, self.shared_secret, self._overrides)
        config_file.write_text(yaml.safe_dump(config))
        console = (self.directory / "console.log").open("wb")
        self._process = subprocess.Popen(  # noqa: S603 - our own venv's interpreter, our config
            [str(python), "-m", "synapse.app.homeserver", "--config-path", str(config_file)],
            cwd=self.directory,
            stdout=console,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
        console.close()
        self._wait_healthy()

    def _wait_healthy(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise SynapseError(f"Synapse exited with {self._process.returncode}{self._tail()}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/health", timeout=2) as response:  # noqa: S310
                    if response.read() == b"OK":
                        return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise SynapseError(f"Synapse was not healthy within {START_TIMEOUT:.0f} s{self._tail()}")

    def _tail(self) -> str:
        lines: list[str] = []
        for name in ("console.log", "homeserver.log"):
            path = self.directory / name
            if path.exists():
                lines += path.read_text(errors="replace").splitlines()[-20:]
        return "\n" + "\n".join(lines) if lines else ""

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT)

    def user_id(self, localpart: str) -> str:
        return f"@{localpart}:{SERVER_NAME}"

    def register(self, name: str, *, admin: bool = False) -> Account:
        """Register a new user through the shared-secret admin API.

        The localpart is `name` with a running number, so every test gets fresh people (and so
        fresh rate-limit buckets) on the one server of the session.
        """
        localpart = f"{name}{next(self._names)}"
        password = secrets.token_urlsafe(12)
        path = "/_synapse/admin/v1/register"
        nonce = str(self._request("GET", path)["nonce"])
        message = "\x00".join([nonce, localpart, password, "admin" if admin else "notadmin"])
        mac = hmac.new(self.shared_secret.encode(), message.encode(), hashlib.sha1).hexdigest()
        body = {
            "nonce": nonce,
            "username": localpart,
            "password": password,
            "admin": admin,
            "mac": mac,
        }
        answer = self._request("POST", path, body)
        return Account(
            user_id=str(answer["user_id"]),
            password=password,
            access_token=str(answer["access_token"]),
            device_id=str(answer["device_id"]),
        )

    def exempt_from_rate_limits(self, user_id: str) -> None:
        """What an operator does for the bot's account (Synapse's admin API): a bot answering
        a whole steering group cannot live within a person's 0.2 messages a second."""
        admin = self.register("admin", admin=True)
        path = f"/_synapse/admin/v1/users/{user_id}/override_ratelimit"
        body = {"messages_per_second": 0, "burst_count": 0}
        self._request("POST", path, body, token=admin.access_token)

    def _request(
        self, method: str, path: str, body: dict[str, Any] | None = None, token: str | None = None
    ) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(  # noqa: S310 - always our loopback base URL
            self.base_url + path, data=data, method=method, headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:  # noqa: S310
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            raise SynapseError(f"{method} {path}: {error.code} {error.read()!r}") from error

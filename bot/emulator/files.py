"""Files as Slack's external upload has them: files.getUploadURLExternal hands out a file id
and an upload URL, the bytes are POSTed to that URL, and files.completeUploadExternal shares the
file in a channel with a message. An upload never completed is never seen by anyone."""

from __future__ import annotations

import copy
import mimetypes
import secrets
from dataclasses import dataclass, field

from bot.emulator.ledger import JsonDict, Ledger

# The path the upload URLs live under on the fake's own server (loopback, like the Web API).
UPLOAD_PREFIX = "/upload/v1/"
# Where a shared file's bytes can be read back (its `url_private`).
FILES_PREFIX = "/files/"


@dataclass
class UploadedFile:
    id: str
    team_id: str | None
    user: str
    filename: str
    length: int  # what getUploadURLExternal was told; the bytes must be exactly this long
    upload_id: str  # the unguessable part of its upload URL
    created: int = 0
    data: bytes | None = None  # the bytes POSTed to the upload URL, once they were
    title: str | None = None
    completed: bool = False
    shares: list[str] = field(default_factory=list)  # the channels it was shared in
    ts: str | None = None  # the message sharing it

    @property
    def mimetype(self) -> str:
        return mimetypes.guess_type(self.filename)[0] or "application/octet-stream"

    def to_slack(self, base_url: str) -> JsonDict:
        """The file object as Slack shows it in a message's `files`."""
        return {
            "id": self.id,
            "created": self.created,
            "timestamp": self.created,
            "name": self.filename,
            "title": self.title or self.filename,
            "mimetype": self.mimetype,
            "filetype": self.filename.rsplit(".", 1)[-1].lower() if "." in self.filename else "",
            "user": self.user,
            "size": len(self.data or b""),
            "mode": "hosted",
            "is_external": False,
            "url_private": f"{base_url}{FILES_PREFIX.lstrip('/')}{self.id}/{self.filename}",
        }


class Files(Ledger):
    """Uploads by file id and by upload URL; read helpers return copies."""

    def __init__(self) -> None:
        super().__init__()
        self._files: dict[str, UploadedFile] = {}
        self._by_upload: dict[str, str] = {}

    def start_upload(
        self, *, team_id: str | None, user: str, filename: str, length: int
    ) -> UploadedFile:
        with self.lock:
            upload = UploadedFile(
                id=self.new_id("F"),
                team_id=team_id,
                user=user,
                filename=filename,
                length=length,
                upload_id=secrets.token_urlsafe(16),
                created=int(self._clock()),
            )
            self._files[upload.id] = upload
            self._by_upload[upload.upload_id] = upload.id
            return upload

    def receive_upload(self, upload_id: str, data: bytes) -> str | None:
        """The bytes POSTed to an upload URL; None when taken, else why not (HTTP 4xx)."""
        with self.lock:
            upload = self._files.get(self._by_upload.get(upload_id, ""))
            if upload is None:
                return "no such upload"
            if upload.completed:
                return "the upload is completed already"
            if len(data) != upload.length:
                return f"length mismatch: {len(data)} bytes, {upload.length} announced"
            upload.data = data
            return None

    def upload(self, file_id: str) -> UploadedFile | None:
        """The live upload, for the Web API handlers (under the lock)."""
        with self.lock:
            return self._files.get(file_id)

    def files(self, channel: str | None = None) -> list[UploadedFile]:
        """The completed files shared in `channel` (or anywhere), oldest first: copies."""
        with self.lock:
            return copy.deepcopy(
                [
                    f
                    for f in self._files.values()
                    if f.completed and (channel is None or channel in f.shares)
                ]
            )

    def file_data(self, file_id: str) -> UploadedFile | None:
        """A completed file, for its `url_private`."""
        with self.lock:
            found = self._files.get(file_id)
            return copy.deepcopy(found) if found is not None and found.completed else None

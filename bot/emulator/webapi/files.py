"""files.*: Slack's external upload. files.getUploadURLExternal gives a file id and an upload
URL (on the fake's own loopback server); the bytes go there in a POST (`FakeSlack` serves it);
files.completeUploadExternal shares the file in a channel with its `initial_comment`.

Errors as Slack gives them where its documentation names them (`invalid_arguments`,
`file_not_found`, `channel_not_found`, `not_in_channel`, 429 `ratelimited`); the fake's own
name where it names none: `upload_not_completed` for a file whose bytes never arrived.
"""

from __future__ import annotations

from bot.emulator.files import UPLOAD_PREFIX, UploadedFile
from bot.emulator.ledger import JsonDict
from bot.emulator.webapi.context import Context, Handler, SlackError

# Slack takes files up to 1 GB.
MAX_LENGTH = 1_000_000_000


def files_get_upload_url_external(ctx: Context) -> JsonDict:
    filename = ctx.text("filename").strip()
    if not filename:
        raise SlackError("invalid_arguments", messages=["[ERROR] missing required field: filename"])
    try:
        length = int(ctx.text("length"))
    except ValueError:
        length = 0
    if not 0 < length <= MAX_LENGTH:
        raise SlackError("invalid_arguments", messages=["[ERROR] missing or invalid `length`"])
    upload = ctx.state.start_upload(
        team_id=ctx.team_id, user=ctx.state.bot.user_id, filename=filename, length=length
    )
    url = f"{ctx.base_url}{UPLOAD_PREFIX.lstrip('/')}{upload.upload_id}"
    return {"upload_url": url, "file_id": upload.id}


def _uploads(ctx: Context) -> list[tuple[UploadedFile, str | None]]:
    """The files the call completes, each with the title it gives, checked as Slack does."""
    files = ctx.params.get("files")
    if not isinstance(files, list) or not files:
        raise SlackError("invalid_arguments", messages=["[ERROR] missing required field: files"])
    found: list[tuple[UploadedFile, str | None]] = []
    for item in files:
        if not isinstance(item, dict) or not item.get("id"):
            raise SlackError("invalid_arguments", messages=["[ERROR] a file needs its `id`"])
        upload = ctx.state.upload(str(item["id"]))
        # Another workspace's file is no file at all; a completed one cannot be again.
        if upload is None or upload.team_id != ctx.team_id or upload.completed:
            raise SlackError("file_not_found")
        if upload.data is None:
            raise SlackError("upload_not_completed")
        title = item.get("title")
        found.append((upload, None if title is None else str(title)))
    return found


def files_complete_upload_external(ctx: Context) -> JsonDict:
    uploads = _uploads(ctx)
    where = ctx.text("channel_id") or ctx.text("channels").split(",")[0].strip()
    channel = ctx.target(where) if where else None
    if channel is not None:
        ctx.require_bot_in(channel)
        throttled = ctx.faults.channel_limit(channel.id)
        if throttled is not None:
            raise SlackError.from_fault(throttled)
    for upload, title in uploads:
        upload.title = title or upload.filename
        upload.completed = True
    if channel is not None:
        state = ctx.state
        message = state.post(
            channel.id,
            user=state.bot.user_id,
            text=ctx.text("initial_comment"),
            blocks=[],
            thread_ts=ctx.text("thread_ts") or None,
            bot_id=state.bot.bot_id,
            files=[upload.to_slack(ctx.base_url) for upload, _ in uploads],
        )
        for upload, _ in uploads:
            upload.shares.append(channel.id)
            upload.ts = message.ts
    return {"files": [{"id": upload.id, "title": upload.title} for upload, _ in uploads]}


METHODS: dict[str, Handler] = {
    "files.getUploadURLExternal": files_get_upload_url_external,
    "files.completeUploadExternal": files_complete_upload_external,
}

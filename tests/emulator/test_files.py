"""Slack's external upload as the fake has it, driven by slack-sdk's own client: the upload URL
on loopback, the bytes, the share in a channel; and each way it refuses."""

from __future__ import annotations

import urllib.request
from urllib.error import HTTPError
from urllib.parse import urlsplit

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.emulator import FakeSlack
from bot.emulator.server import UPLOAD

PDF = b"%PDF-1.7\n" + b"x" * 100


def post(url: str, data: bytes) -> int:
    request = urllib.request.Request(url, data=data, method="POST")  # noqa: S310 (loopback)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (loopback)
            return int(response.status)
    except HTTPError as err:
        return err.code


def test_files_upload_v2_shares_the_file_in_the_channel_once(
    fake: FakeSlack, client: WebClient
) -> None:
    channel = fake.state.add_channel("projekt")
    done = client.files_upload_v2(
        channel=channel,
        file=PDF,
        filename="beslutsprotokoll-KS-2026-1-p1-v1.pdf",
        title="Beslutsprotokoll § 1",
        initial_comment="Det justerade protokollet",
    )
    assert done["file"]["title"] == "Beslutsprotokoll § 1"
    (shared,) = fake.state.files(channel)
    assert shared.data == PDF and shared.filename.endswith("-v1.pdf")
    (message,) = fake.state.messages(channel)
    assert message.text == "Det justerade protokollet" and message.ts == shared.ts
    assert message.files[0]["name"] == shared.filename and message.files[0]["size"] == len(PDF)
    history = client.conversations_history(channel=channel)["messages"]
    assert history[0]["files"][0]["id"] == shared.id and history[0]["upload"] is True
    # The upload URL was the fake's own, on loopback; url_private reads the bytes back.
    (asked,) = fake.state.calls("files.getUploadURLExternal")
    assert asked.params["length"] in (len(PDF), str(len(PDF)))
    with urllib.request.urlopen(message.files[0]["url_private"], timeout=5) as got:  # noqa: S310
        assert got.read() == PDF
    assert urlsplit(message.files[0]["url_private"]).hostname == "127.0.0.1"


def test_an_upload_url_is_on_loopback_and_takes_exactly_the_announced_length(
    fake: FakeSlack, client: WebClient
) -> None:
    started = client.files_getUploadURLExternal(filename="a.pdf", length=len(PDF))
    assert urlsplit(started["upload_url"]).hostname == "127.0.0.1"
    assert post(started["upload_url"], PDF[:-1]) == 400  # shorter than announced
    assert post(started["upload_url"] + "x", PDF) == 404  # no such upload
    with pytest.raises(SlackApiError) as early:  # the bytes have not arrived
        client.files_completeUploadExternal(files=[{"id": started["file_id"]}])
    assert early.value.response["error"] == "upload_not_completed"
    assert post(started["upload_url"], PDF) == 200
    # Completed without a channel: private, shared nowhere.
    client.files_completeUploadExternal(files=[{"id": started["file_id"], "title": "A"}])
    assert fake.state.files(None)[0].shares == []
    with pytest.raises(SlackApiError) as twice:  # it can be completed once
        client.files_completeUploadExternal(files=[{"id": started["file_id"]}])
    assert twice.value.response["error"] == "file_not_found"
    assert post(started["upload_url"], PDF) == 400


def test_refusals_as_slack_gives_them(fake: FakeSlack, client: WebClient) -> None:
    outside = fake.state.add_channel("utanför", bot_member=False)
    with pytest.raises(SlackApiError) as unknown:
        client.files_completeUploadExternal(files=[{"id": "F404"}], channel_id=outside)
    assert unknown.value.response["error"] == "file_not_found"
    with pytest.raises(SlackApiError) as no_name:
        client.files_getUploadURLExternal(filename="", length=3)
    assert no_name.value.response["error"] == "invalid_arguments"
    with pytest.raises(SlackApiError) as not_member:
        client.files_upload_v2(channel=outside, file=PDF, filename="a.pdf")
    assert not_member.value.response["error"] == "not_in_channel"
    assert fake.state.files() == [] and fake.state.messages(outside) == []


def test_uploads_fail_and_are_rate_limited_like_the_other_methods(
    fake: FakeSlack, client: WebClient
) -> None:
    channel = fake.state.add_channel("projekt")
    fake.inject(UPLOAD, status=500)
    # slack-sdk posts the bytes with urllib, which raises on a non-2xx answer.
    with pytest.raises(HTTPError) as refused:
        client.files_upload_v2(channel=channel, file=PDF, filename="a.pdf")
    assert refused.value.code == 500
    fake.faults.limits.refuse(fake.state.team.id, "files.completeUploadExternal", retry_after=7)
    with pytest.raises(SlackApiError) as limited:
        client.files_upload_v2(channel=channel, file=PDF, filename="a.pdf")
    assert limited.value.response.status_code == 429
    assert limited.value.response.headers["Retry-After"] == "7"
    assert fake.state.files(channel) == []


def test_a_share_that_went_through_can_be_answered_as_failed(
    fake: FakeSlack, client: WebClient
) -> None:
    """Slack shared it and the answer was lost: a look in the channel finds it."""
    channel = fake.state.add_channel("projekt")
    fake.faults.limits.fail_first_posts(1.0, method="files.completeUploadExternal")
    with pytest.raises(SlackApiError) as failed:
        client.files_upload_v2(channel=channel, file=PDF, filename="a.pdf", title="A")
    assert failed.value.response.status_code == 500
    assert [f.title for f in fake.state.files(channel)] == ["A"]
    again = client.files_upload_v2(channel=channel, file=PDF, filename="a.pdf", title="A")
    assert again["ok"] and len(fake.state.files(channel)) == 2  # only once fails

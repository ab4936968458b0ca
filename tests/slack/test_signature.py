"""Slack's v0 signature, checked over the raw bytes within five minutes of our clock."""

from __future__ import annotations

import pytest

from bot.emulator.requester import sign
from bot.slack.signature import Refusal, check, signature

SECRET = "test-signing-secret"
NOW = 1_800_000_000.0
BODY = b"command=%2Fforvaltning&text=status"


def test_our_signature_is_the_one_slack_sends() -> None:
    assert signature(SECRET, "1800000000", BODY) == sign(SECRET, "1800000000", BODY.decode())


def test_bytes_that_are_not_utf8_are_signed_as_they_are() -> None:
    raw = b"\xff\xfe not text"
    assert check(SECRET, "1800000000", signature(SECRET, "1800000000", raw), raw, now=NOW) is None


@pytest.mark.parametrize(
    ("secret", "timestamp", "signed", "refusal"),
    [
        (SECRET, str(int(NOW)), None, None),
        (SECRET, str(int(NOW) - 300), None, None),
        (SECRET, str(int(NOW) + 300), None, None),
        (SECRET, str(int(NOW) - 301), None, Refusal.STALE),
        (SECRET, str(int(NOW) + 301), None, Refusal.STALE),
        (SECRET, "-1", "v0=00", Refusal.STALE),
        (SECRET, "1e9", "v0=00", Refusal.STALE),
        (SECRET, "١٨٠٠٠٠٠٠٠٠", "v0=00", Refusal.STALE),  # digits, but not ASCII ones
        (SECRET, str(int(NOW)), "v0=" + "0" * 64, Refusal.FORGED),
        (SECRET, str(int(NOW)), "v0=åäö", Refusal.FORGED),
        (SECRET, str(int(NOW)), "", Refusal.UNSIGNED),
        (SECRET, None, "v0=00", Refusal.UNSIGNED),
        (None, str(int(NOW)), "v0=00", Refusal.UNSIGNED),
        ("", str(int(NOW)), "v0=00", Refusal.UNSIGNED),
    ],
)
def test_a_request_is_slacks_only_when_signed_by_the_secret_within_the_window(
    secret: str | None, timestamp: str | None, signed: str | None, refusal: Refusal | None
) -> None:
    if signed is None:  # the right signature for that timestamp
        assert timestamp is not None
        signed = signature(SECRET, timestamp, BODY)
    assert check(secret, timestamp, signed, BODY, now=NOW) is refusal


def test_the_signature_covers_every_byte_and_the_timestamp() -> None:
    ts = str(int(NOW))
    signed = signature(SECRET, ts, BODY)
    assert check(SECRET, ts, signed, BODY + b" ", now=NOW) is Refusal.FORGED
    assert check(SECRET, str(int(NOW) - 1), signed, BODY, now=NOW) is Refusal.FORGED
    assert check("another-secret", ts, signed, BODY, now=NOW) is Refusal.FORGED

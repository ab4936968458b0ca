"""Ids of Block Kit elements, shared by the renderer and the listener that matches them."""

from __future__ import annotations

from enum import StrEnum


class BlockId(StrEnum):
    STATUS_ACTIVITIES = "status_activities"
    STATUS_DOCUMENTS = "status_documents"
    STATUS_READINESS = "status_readiness"

"""The one error type an op, action or request raises; its code reaches the client as is."""

from __future__ import annotations

from typing import Any, Literal

ErrorCode = Literal["invalid", "not_found", "forbidden", "locked", "rate_limited", "too_large",
                    "conflict"]


class OpError(Exception):
    def __init__(self, code: ErrorCode, message: str, current: dict[str, Any] | None = None):
        super().__init__(message)
        self.code: ErrorCode = code
        self.message = message
        # For a conflict: the current state the client should rebase on.
        self.current = current

"""The one error type an op or action raises; its code is sent to the client as is."""

from __future__ import annotations

from typing import Any

from app.board.messages import ErrorCode


class OpError(Exception):
    def __init__(self, code: ErrorCode, message: str, current: dict[str, Any] | None = None):
        super().__init__(message)
        self.code: ErrorCode = code
        self.message = message
        self.current = current

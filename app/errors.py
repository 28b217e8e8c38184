"""The one error type an op, action or request raises; its code reaches the client as is.

Every error a client gets has one shape, :class:`ErrorBody`: over HTTP it is the response
body; on the board socket it is the ``error`` frame's ``code``, ``message`` and ``fields``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

ErrorCode = Literal["invalid", "not_found", "forbidden", "locked", "rate_limited", "too_large",
                    "conflict"]


class OpError(Exception):
    def __init__(self, code: ErrorCode, message: str, current: dict[str, Any] | None = None):
        super().__init__(message)
        self.code: ErrorCode = code
        self.message = message
        # For a conflict: the current state the client should rebase on.
        self.current = current


class FieldError(BaseModel):
    """One problem with one part of the input."""

    # Where: ``["body", "name"]``, ``["path", "group_id"]``, ``["data", "x"]`` (a frame's op).
    loc: list[str | int]
    message: str


class ErrorBody(BaseModel):
    """The body of every HTTP error (4xx): a code for programs, a sentence for people."""

    code: ErrorCode = Field(description="What kind of error; programs branch on this.")
    message: str = Field(description="Plain English for people. Do not parse it.")
    fields: list[FieldError] | None = Field(
        default=None, description="With 422 only: each problem with the input, located.")

    def content(self) -> dict[str, Any]:
        """As JSON: ``fields`` left out when there are none to give."""
        return self.model_dump(mode="json", exclude_none=True)

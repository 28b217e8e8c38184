"""JSON text for frames and stored columns, written by pydantic-core.

Every event is turned into text once per op and stored once; pydantic-core writes
JSON several times faster than the json module. The text is compact UTF-8 (no ASCII
escapes), and NaN and infinities become null rather than the invalid JSON the json
module writes for them. Frames from clients are parsed by pydantic-core too, as they
are validated (app.api.ws), and so are stored columns, ten times faster than the json
module (a note's actors are read back on every op); like the json module, it accepts
the NaN and infinities older versions stored.
"""

from __future__ import annotations

from typing import Any

import pydantic_core


def dumps(value: Any) -> str:
    return pydantic_core.to_json(value, inf_nan_mode="null").decode()


def loads(text: str | bytes) -> Any:
    """Parse a client's frame, a message between processes or a stored column. Like the
    json module, it accepts the NaN and infinities older versions stored."""
    return pydantic_core.from_json(text)

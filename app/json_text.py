"""JSON text for frames and stored columns, written and read by pydantic-core.

Every event is turned into text once per op and parsed or stored again on the way;
pydantic-core does both several times faster than the json module. The text is
compact UTF-8 (no ASCII escapes), and NaN and infinities become null rather than
the invalid JSON the json module writes for them.
"""

from __future__ import annotations

from typing import Any

import pydantic_core


def dumps(value: Any) -> str:
    return pydantic_core.to_json(value).decode()


def loads(text: str | bytes) -> Any:
    return pydantic_core.from_json(text)

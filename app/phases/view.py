"""Phase state as clients see it: times are server epoch seconds, read against server_now."""

from __future__ import annotations

from typing import Any

from app.phases.engine import PhaseState, allowed_actions, writable_sections
from app.phases.templates import Template


def phase_view(state: PhaseState, template: Template, minutes: dict[str, int],
               auto_advance: bool) -> dict[str, Any]:
    phase = template.phases[state.index] if state.index >= 0 else None
    return {
        "status": state.status,
        "index": state.index,
        "key": phase.key if phase else None,
        "title": phase.title if phase else "Waiting to start",
        "mode": phase.mode if phase else None,
        "minutes": template.phase_minutes(state.index, minutes) if phase else None,
        "ends_at": state.ends_at,
        "remaining": state.remaining,
        "version": state.version,
        "warned": state.warned,
        "auto_advance": auto_advance,
        "writable": sorted(writable_sections(state, template)),
        "actions": allowed_actions(state),
        "timeline": [
            {"key": p.key, "title": p.title, "mode": p.mode,
             "minutes": template.phase_minutes(i, minutes)}
            for i, p in enumerate(template.phases)
        ],
    }

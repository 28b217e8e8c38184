"""The error responses each kind of route declares in the OpenAPI schema, all with the one
error body (app.errors.ErrorBody). A route passes the set for its kind as ``responses=``.

401 and 403 both carry the code ``forbidden`` (as the board socket's bad token does); the
status tells them apart: 401 asks for a valid token, 403 says this token lacks the right.
"""

from __future__ import annotations

from typing import Any

from app.errors import ErrorBody

Responses = dict[int | str, dict[str, Any]]

DESCRIBED = {
    401: "No token (or organiser key), or one that is not valid here (code forbidden)",
    403: "A valid token without the right, e.g. a participant's or a screen's; a wrong "
         "organiser key (forbidden)",
    404: "No such workshop, group, participant, screen, template or entry (not_found)",
    409: "Does not apply in the workshop's current state, e.g. after the start (conflict)",
    413: "The request body is over 64 KB (too_large)",
    423: "The facilitator has locked joining (locked)",
    422: "The body, a path or a query parameter is not valid, or not JSON (invalid, with "
         "fields)",
    429: "Too many requests; try again in a moment (rate_limited)",
}


def errors(*statuses: int) -> Responses:
    """The error responses for these statuses, each with the one error body."""
    return {status: {"model": ErrorBody, "description": DESCRIBED[status]}
            for status in statuses}


# Reads anyone may make.
PUBLIC_ERRORS = errors(422, 429)
# Reads of one workshop by its code (anyone who has the code).
WORKSHOP_ERRORS = errors(404, 422, 429)
# Creating a workshop: a body, the organiser key when the server has one, and a join code
# that might not be found free.
CREATE_ERRORS = errors(401, 403, 409, 413, 422, 429)
# Joining a workshop by its code: a body; a workshop that has ended is a conflict.
JOIN_ERRORS = errors(404, 409, 413, 422, 423, 429)
# Changes only the facilitator's key may make.
FACILITATOR_ERRORS = errors(401, 403, 404, 409, 413, 422, 429)
# What only the facilitator's key may read (or remove).
FACILITATOR_READ_ERRORS = errors(401, 403, 404, 422, 429)
# A screen's own token.
SCREEN_ERRORS = errors(401, 422, 429)

"""Error messages in the reader's language: the English ``message`` of the one error body,
recognised by its wording and said again from the catalogue (``error.*`` keys).

The ``code`` never changes; a message no pattern knows stays in English. Matching the
wording at the edge keeps every ``OpError`` as it is (one English sentence, for logs and
programs) while people read their own language.
"""

from __future__ import annotations

import re

from app.i18n.catalogue import DEFAULT_LANGUAGE, Language, negotiate, parse_language, translate

_QUOTED = r"(?P<name>'[^']*'|\"[^\"]*\")"
# English wording -> catalogue key; named groups fill the message's placeholders (a group
# named ``count`` is a number, for the plural form).
PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(f"^{pattern}$", re.DOTALL), key) for pattern, key in (
        (rf"There is no workshop with the code {_QUOTED}\. Check the code and try again\.",
         "error.no_workshop_code"),
        (r"There is no such workshop\.", "error.no_workshop"),
        (r"This workshop has no group (?P<id>\d+)\.", "error.no_group"),
        (r"There is nothing at this address\.", "error.no_address"),
        (r"This address does not accept (?P<method>[A-Z]+) requests\.", "error.method"),
        (r"The request body is not valid JSON.*", "error.not_json"),
        (r"This frame is not valid JSON\.", "error.not_json"),
        (r"The request is not valid\.", "error.invalid_input"),
        (r"The request body is larger than (?P<count>\d+) bytes\.", "error.body_too_large"),
        (r"Too many codes that do not exist were tried from your network\..*",
         "error.too_many_codes"),
        (r"Too many workshops were created from your network.*", "error.too_many_workshops"),
        (r"Too many changes at once; this one was not applied\..*", "error.too_many_changes"),
        (r"Too many resyncs at once.*", "error.too_many_changes"),
        (r"This workshop has ended\.", "error.workshop_ended"),
        (r"The workshop is closed\.", "error.workshop_ended"),
        (r"The workshop has not started yet\.", "error.not_started"),
        (r"Start the workshop first\.", "error.not_started"),
        (r"The workshop has already started\.", "error.already_started"),
        (r"Only a running phase can be paused\.", "error.not_running"),
        (r"No running phase to end\.", "error.not_running"),
        (r"There is no phase running to be done with\.", "error.not_running"),
        (r"Only a paused phase can be resumed\.", "error.not_paused"),
        (r"This is the first phase\.", "error.first_phase"),
        (r"Time can only be changed while a phase runs or is paused\.", "error.time_change"),
        (r"Minutes can only be changed before the start\.", "error.minutes_locked"),
        (r"Groups can only be added or removed before the start\.", "error.groups_locked"),
        (r"A workshop has between 1 and (?P<count>\d+) groups\.", "error.group_count"),
        (rf"{_QUOTED} is not open for writing in this phase\.", "error.section_locked"),
        (r"Only the facilitator (runs the phases|may do this)\.", "error.facilitator_only"),
        (r"The screen is read-only\.", "error.read_only"),
        (r"A screen's token is read-only.*", "error.read_only"),
        (r"This token (is not valid for|does not open) this workshop\.", "error.bad_token"),
        (r"Send .* as 'Authorization: Bearer <token>'\.", "error.no_token"),
        (r"You can only change your own group's board\.", "error.own_group"),
        (r"There is no (note '[^']*' on this board|such note on your board)\.",
         "error.no_note"),
        (r"This board is full: it holds at most (?P<count>\d+) notes\.", "error.board_full"),
        (r"Choose at most (?P<count>\d+): unpick one before picking another\.",
         "error.pick_limit"),
        (r"Someone changed this.* in the meantime; here is their version\.", "error.conflict"),
        (r"The facilitator has locked joining for this workshop\..*", "error.join_locked"),
        (r"This server needs its organiser key to create a workshop.*",
         "error.organiser_key_needed"),
        (r"This organiser key is not the server's\..*", "error.organiser_key_wrong"),
        (rf"There is no template called {_QUOTED}\.", "error.no_template"),
        (rf"Unknown template {_QUOTED}; choose one of: (?P<known>.+)\.", "error.unknown_template"),
        (rf"No toolkit entry called {_QUOTED}\.", "error.no_toolkit_entry"),
        (r"This workshop has no participant p?\d+\.", "error.no_participant"),
        (r"Only the workshop's lead facilitator may do this, not a co-facilitator\.",
         "error.lead_only"),
        (r"Someone else changed the phase just before you; look again and choose\.",
         "error.phase_changed"),
        (r"This workshop has no co-facilitator \d+\.", "error.no_co_facilitator"),
        (r"A workshop has at most (?P<count>\d+) co-facilitators; revoke one first\.",
         "error.co_facilitator_limit"),
        (r"No vote is open( right now)?\.", "error.no_vote"),
        (r"You have used all (?P<count>\d+) of your votes; take one back to vote again\.",
         "error.votes_used"),
        # Validation, REST (``where: what``) and socket (``data.x: what``): last, the widest.
        (r"(?P<where>[A-Za-z0-9_.\[\]-]+): (?P<detail>.+)", "error.invalid_field"),
    ))


# Pydantic's wording of a field's problem (the ``detail`` of ``error.invalid_field``).
DETAILS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(f"^{pattern}$", re.DOTALL), key) for pattern, key in (
        (r"Field required", "error.detail.required"),
        (r"String should have at least (?P<count>\d+) characters?", "error.detail.too_short"),
        (r"String should have at most (?P<count>\d+) characters?", "error.detail.too_long"),
        (r"Input should be greater than or equal to (?P<limit>-?[\d.]+)", "error.detail.min"),
        (r"Input should be less than or equal to (?P<limit>-?[\d.]+)", "error.detail.max"),
        (r"Extra inputs are not permitted", "error.detail.extra"),
        (r"Input should be a valid (integer|number).*", "error.detail.number"),
        (r"Input should be a valid (boolean|string|list|dictionary|object).*",
         "error.detail.type"),
        (r"Input should be (?P<choices>'.*')", "error.detail.choices"),
    ))
_MORE = re.compile(r"^(?P<detail>.*) \(and (?P<count>\d+) more\)\.?$", re.DOTALL)


def _detail(lang: Language, detail: str) -> str:
    """A field's problem in ``lang``, with "(and N more)" kept; as is when unknown."""
    more = _MORE.match(detail)
    core = more.group("detail") if more else detail.removesuffix(".")
    for pattern, key in DETAILS:
        match = pattern.match(core)
        if match is not None:
            params: dict[str, object] = {k: v for k, v in match.groupdict().items()
                                         if v is not None}
            if "count" in params:
                params["count"] = int(str(params["count"]))
            if "choices" in params:  # 'a', 'b' or 'c': the list without the English "or"
                params["choices"] = str(params["choices"]).replace("' or '", "', '")
            core = translate(lang, key, **params)
            break
    if more:
        return translate(lang, "error.detail.more", detail=core,
                         count=int(more.group("count")))
    return core


def localize_message(lang: Language, message: str) -> str:
    """``message`` (an error body's English sentence) in ``lang`` when we know its wording."""
    if lang == DEFAULT_LANGUAGE:
        return message
    for pattern, key in PATTERNS:
        match = pattern.match(message)
        if match is None:
            continue
        params: dict[str, object] = {k: v for k, v in match.groupdict().items() if v is not None}
        if "count" in params:
            params["count"] = int(str(params["count"]))
        if key == "error.invalid_field" and "detail" in params:
            params["detail"] = _detail(lang, str(params["detail"]))
        translated = translate(lang, key, **params)
        return message if translated == key else translated
    return message


def reader_language(lang: str | None, accept_language: str | None) -> Language:
    """Whose language an answer is in: an explicit ``lang`` (a page's choice), else the
    ``Accept-Language`` header's best, else English."""
    return parse_language(lang) or negotiate(accept_language)

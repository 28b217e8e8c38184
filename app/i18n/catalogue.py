"""The message catalogues the browser uses (``web/i18n/<lang>.json``), read by the server too.

One source of truth: a server message (a report heading, an error) is a key in the same
files as the pages' strings. A message given as ``{one, other, …}`` picks its form with
the language's CLDR plural rule from Babel, as ``Intl.PluralRules`` does in the browser.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, get_args

from babel import Locale, negotiate_locale
from babel.numbers import format_decimal

Language = Literal["en", "fr", "de"]
LANGUAGES: tuple[Language, ...] = get_args(Language)
DEFAULT_LANGUAGE: Language = "en"
CATALOGUE_DIR = Path(__file__).resolve().parent.parent.parent / "web" / "i18n"

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
# One range of Accept-Language: a tag and an optional q weight (RFC 9110 §12.5.4).
_RANGE = re.compile(
    r"^\s*([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*$")


@lru_cache
def catalogue(lang: Language) -> dict[str, Any]:
    """The messages of ``lang``; empty when its file does not exist (yet)."""
    path = CATALOGUE_DIR / f"{lang}.json"
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


@lru_cache
def _locale(lang: Language) -> Locale:
    return Locale.parse(lang)


def plural_category(lang: Language, count: float) -> str:
    """CLDR's plural category of ``count`` in ``lang``: ``one``, ``many``, ``other``…"""
    return str(_locale(lang).plural_form(abs(count)))


def translate(lang: Language, key: str, /, **params: Any) -> str:
    """The message ``key`` in ``lang`` with ``{name}`` placeholders filled; English where
    ``lang`` lacks the key, and the key itself where English does too (a gap shows)."""
    message = catalogue(lang).get(key)
    if message is None and lang != DEFAULT_LANGUAGE:
        lang, message = DEFAULT_LANGUAGE, catalogue(DEFAULT_LANGUAGE).get(key)
    if isinstance(message, dict):
        count = params.get("count", 0)
        form = plural_category(lang, count if isinstance(count, int | float) else 0)
        message = message.get(form, message.get("other"))
    if not isinstance(message, str):
        return key
    count = params.get("count")
    if isinstance(count, int | float) and not isinstance(count, bool):
        # A quantity is written as the language writes numbers (65,536 / 65 536 / 65.536).
        params = {**params, "count": format_decimal(count, locale=lang)}
    return _PLACEHOLDER.sub(
        lambda m: str(params[m.group(1)]) if m.group(1) in params else m.group(0), message)


def parse_language(value: str | None) -> Language | None:
    """``value`` if it names a language we speak (``fr``, ``de-CH`` → ``de``), else None."""
    if not value:
        return None
    base = value.strip().replace("_", "-").split("-")[0].lower()
    return next((lang for lang in LANGUAGES if lang == base), None)


def negotiate(accept_language: str | None, default: Language = DEFAULT_LANGUAGE) -> Language:
    """The best of our languages for an ``Accept-Language`` header (by q weight), else
    ``default``."""
    if not accept_language:
        return default
    ranges: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")[:20]):
        match = _RANGE.match(part)
        if match is None:
            continue
        try:
            weight = float(match.group(2)) if match.group(2) else 1.0
        except ValueError:
            continue
        if weight > 0:
            ranges.append((-weight, position, match.group(1)))
    preferred = [tag for _, _, tag in sorted(ranges) if tag != "*"]
    # Babel matches region variants (de-AT → de) and aliases for us.
    chosen = negotiate_locale(preferred, list(LANGUAGES), sep="-")
    if chosen is None:
        chosen = negotiate_locale([tag.split("-")[0] for tag in preferred], list(LANGUAGES),
                                  sep="-")
    return parse_language(chosen) or default

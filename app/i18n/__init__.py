"""Server-side languages: the browser's catalogues (web/i18n), Babel's plural rules and formats."""

from __future__ import annotations

from app.i18n.catalogue import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    Language,
    catalogue,
    negotiate,
    translate,
)

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "Language", "catalogue", "negotiate", "translate"]

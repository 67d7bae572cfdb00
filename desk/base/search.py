"""Text as a search matches it: no accents, no case, single spaces.

Stored beside the text at write time (`*_search` columns), so "helene" finds "Hélène" on
SQLite and PostgreSQL alike with a plain LIKE, without an `unaccent` extension.
"""

from __future__ import annotations

import unicodedata


def fold(text: str | None) -> str:
    """'  Hélène  DUPRÉ-Œil ' -> 'helene dupre-oeil'."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "OE"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())

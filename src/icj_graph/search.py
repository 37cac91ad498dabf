"""Accent- and case-insensitive matching of names, aliases and case numbers.

``fold`` is also a SPARQL function on the endpoint: ``<https://w3id.org/icj-graph/function#fold>``
(prefix ``icjf:``), so ``FILTER(CONTAINS(icjf:fold(?name), "mladic"))`` finds "Mladić".
"""

from __future__ import annotations

import re
import unicodedata

FOLD_FUNCTION = "https://w3id.org/icj-graph/function#fold"
# Letters that do not decompose into a base letter and a combining mark.
_SPECIAL = str.maketrans({"đ": "d", "Đ": "d", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "ı": "i"})
_UNSAFE = re.compile(r"[^\w\s'./-]")


def fold(text: str) -> str:
    """Lower-case `text` and strip its diacritics.

    >>> fold("Ratko Mladić"), fold("Tōjō Hideki"), fold("ĐORĐEVIĆ"), fold("Ngaïssona")
    ('ratko mladic', 'tojo hideki', 'dordevic', 'ngaissona')
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def needle(text: str) -> str:
    """Fold a user's search text and keep only characters safe inside a SPARQL string.

    >>> needle('  Mladić" } DROP ALL ')
    'mladic drop all'
    """
    return " ".join(_UNSAFE.sub(" ", fold(text)).split())

"""Accent- and case-insensitive matching of names, aliases and case numbers.

``fold`` is also a SPARQL function on the endpoint: ``<https://w3id.org/icj-graph/function#fold>``
(prefix ``icjf:``), so ``FILTER(CONTAINS(icjf:fold(?name), "mladic"))`` finds "Mladić".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

#: Turns a SPARQL expression into the expression of its folded text.
Fold = Callable[[str], str]

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


def local_fold(expression: str) -> str:
    """The fold of a SPARQL expression with our function (the embedded store has it)."""
    return f"icjf:fold({expression})"


SEARCH_PROLOGUE = f"""PREFIX icj: <https://w3id.org/icj-graph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX icjf: <{FOLD_FUNCTION.rsplit("#", 1)[0]}#>
"""
NAME_PATHS = (
    "rdfs:label|skos:altLabel|skos:prefLabel|icj:caseNumber|skos:notation|icj:situationNumber"
)
SEARCHED_CLASSES = (
    "Person",
    "Case",
    "Tribunal",
    "State",
    "Situation",
    "Crime",
    "LegalInstrument",
    "Provision",
)


def match_pattern(variable: str, text: str, *, fold: Fold = local_fold) -> str:
    """A SPARQL pattern binding `variable` to entities whose name or alias contains `text`.

    >>> match_pattern("?e", "Mladić").split(" . ")[1]
    'FILTER(CONTAINS(icjf:fold(STR(?name)), "mladic"))'
    """
    folded = needle(text)
    return f'{variable} {NAME_PATHS} ?name . FILTER(CONTAINS({fold("STR(?name)")}, "{folded}"))'


def search_query(text: str, *, limit: int, fold: Fold = local_fold) -> str:
    """SELECT entities of the searched classes matching `text`, best matches first (a whole
    query, with its prologue)."""
    folded = needle(text)
    kinds = " ".join(f"icj:{c}" for c in SEARCHED_CLASSES)
    return f"""{SEARCH_PROLOGUE}
SELECT ?e ?kind (SAMPLE(?l) AS ?label) (MIN(?rank) AS ?best) WHERE {{
  VALUES ?kind {{ {kinds} }}
  ?e a ?kind . {match_pattern("?e", text, fold=fold)}
  BIND(IF(STRSTARTS({fold("STR(?name)")}, "{folded}"), 0, 1) AS ?rank)
  OPTIONAL {{ ?e rdfs:label ?l FILTER(LANGMATCHES(LANG(?l), "en")) }}
}} GROUP BY ?e ?kind ORDER BY ?best STRLEN(STR(?label)) ?label LIMIT {limit}"""


# Letters folded to ASCII by portable_fold, for stores without our fold function.
_FOLDS = {
    "a": "àáâãäåāăą",
    "c": "çćĉċč",
    "d": "ďđ",
    "e": "èéêëēĕėęě",
    "g": "ĝğġģ",
    "i": "ìíîïĩīĭįı",
    "l": "ĺļľŀł",
    "n": "ñńņňŉ",
    "o": "òóôõöøōŏő",
    "r": "ŕŗř",
    "s": "śŝşšș",
    "t": "ţťŧț",
    "u": "ùúûüũūŭůűų",
    "y": "ýÿŷ",
    "z": "źżž",
}


def portable_fold(expression: str) -> str:
    """The same fold in standard SPARQL (LCASE and REPLACE), for any SPARQL 1.1 store.

    >>> portable_fold("?n").count("REPLACE"), portable_fold("?n").startswith('REPLACE(REPLACE(')
    (15, True)
    """
    folded = f"LCASE({expression})"
    for letter, accented in _FOLDS.items():
        folded = f'REPLACE({folded}, "[{accented}]", "{letter}")'
    return folded

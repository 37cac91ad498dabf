"""The JSON-LD API's collections: the class each lists, and the filters each takes (the SPARQL
pattern a filter adds, and what its value names)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from pydantic import BaseModel, Field


@dataclass(frozen=True)
class Collection:
    """A collection: its class, its IRI type, and the patterns its filters add."""

    cls: str
    kind: str
    filters: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Filter:
    """What a filter's value names: its IRI type and class; `closed` for a short vocabulary,
    whose values a 400 lists."""

    kind: str
    cls: str
    closed: bool = False


# Each filter pattern binds the entity as ?e; {v} is the IRI of the filter's value.
_PERSON_LINK = "?x icj:accused ?e . VALUES ?xk { icj:Charge icj:Prosecution } ?x a ?xk . "
COLLECTIONS: dict[str, Collection] = {
    "tribunals": Collection("Tribunal", "tribunal"),
    "situations": Collection(
        "Situation",
        "situation",
        {"state": "?e icj:territory {v} .", "trigger": "?e icj:triggerType {v} ."},
    ),
    "cases": Collection(
        "Case",
        "case",
        {
            "tribunal": "?e icj:tribunal {v} .",
            "situation": "?e icj:situation {v} .",
            "crime": "?x icj:case ?e ; icj:crime/skos:broader* {v} .",
            "person": "?e icj:accused {v} .",
        },
    ),
    "persons": Collection(
        "Person",
        "person",
        {
            "tribunal": _PERSON_LINK + "?x icj:case/icj:tribunal {v} .",
            "crime": _PERSON_LINK + "?x icj:crime/skos:broader* {v} .",
            "outcome": _PERSON_LINK + "?x icj:outcome {v} .",
            "nationality": "?e schema:nationality {v} .",
        },
    ),
    "charges": Collection(
        "Charge",
        "charge",
        {
            "tribunal": "?e icj:case/icj:tribunal {v} .",
            "case": "?e icj:case {v} .",
            "crime": "?e icj:crime/skos:broader* {v} .",
            "outcome": "?e icj:outcome {v} .",
            "person": "?e icj:accused {v} .",
        },
    ),
    "crimes": Collection("Crime", "crime", {"broader": "?e skos:broader+ {v} ."}),
    "provisions": Collection(
        "Provision",
        "provision",
        {"instrument": "?e icj:instrument {v} .", "crime": "?e icj:defines/skos:broader* {v} ."},
    ),
    "states": Collection("State", "state"),
}
#: What each filter's value names.
FILTERS: dict[str, Filter] = {
    "tribunal": Filter("tribunal", "Tribunal", closed=True),
    "situation": Filter("situation", "Situation"),
    "crime": Filter("crime", "Crime", closed=True),
    "person": Filter("person", "Person"),
    "outcome": Filter("outcome", "Outcome", closed=True),
    "nationality": Filter("state", "State"),
    "state": Filter("state", "State"),
    "trigger": Filter("trigger-type", "TriggerType", closed=True),
    "case": Filter("case", "Case"),
    "broader": Filter("crime", "Crime", closed=True),
    "instrument": Filter("legal-instrument", "LegalInstrument", closed=True),
}


def _filter_doc(name: str) -> str:
    """The OpenAPI description of a filter."""
    kind = FILTERS[name].kind.replace("-", " ")
    taken_by = ", ".join(c for c, spec in COLLECTIONS.items() if name in spec.filters)
    listing = ", listing the valid ones" if FILTERS[name].closed else ""
    return f"Slug of the {kind} to filter by; for {taken_by}. An unknown slug gets 400{listing}."


class Filters(BaseModel):
    """The filters of a collection, each a slug; a collection takes only its own (see each)."""

    tribunal: Annotated[str | None, Field(description=_filter_doc("tribunal"))] = None
    crime: Annotated[str | None, Field(description=_filter_doc("crime"))] = None
    outcome: Annotated[str | None, Field(description=_filter_doc("outcome"))] = None
    person: Annotated[str | None, Field(description=_filter_doc("person"))] = None
    case: Annotated[str | None, Field(description=_filter_doc("case"))] = None
    situation: Annotated[str | None, Field(description=_filter_doc("situation"))] = None
    nationality: Annotated[str | None, Field(description=_filter_doc("nationality"))] = None
    state: Annotated[str | None, Field(description=_filter_doc("state"))] = None
    trigger: Annotated[str | None, Field(description=_filter_doc("trigger"))] = None
    broader: Annotated[str | None, Field(description=_filter_doc("broader"))] = None
    instrument: Annotated[str | None, Field(description=_filter_doc("instrument"))] = None

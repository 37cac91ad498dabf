"""The benchmark's query set: every example of ``queries/`` plus four typical shapes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PROLOGUE = """PREFIX icj: <https://w3id.org/icj-graph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
"""
#: Queries every server gets besides the examples (entities from the real data, which the
#: synthetic datasets include).
EXTRAS = {
    "x-lookup": "SELECT ?p ?o WHERE { <https://w3id.org/icj-graph/id/person/ratko-mladic> ?p ?o }",
    "x-describe": "DESCRIBE <https://w3id.org/icj-graph/id/case/it-09-92>",
    "x-group-by": """SELECT ?outcome (COUNT(?charge) AS ?charges) WHERE {
  ?charge a icj:Charge ; icj:outcome ?outcome } GROUP BY ?outcome ORDER BY DESC(?charges)""",
    "x-3-hop-join": """SELECT ?charge ?person ?state WHERE {
  ?charge icj:accused ?p . ?p schema:nationality ?s . ?s rdfs:label ?state .
  ?p rdfs:label ?person } ORDER BY ?charge LIMIT 100""",
}
SELECT_TYPES = "application/sparql-results+json"
GRAPH_TYPES = "application/n-triples"
_FORM = re.compile(r"^\s*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class Query:
    """A named SPARQL query and the media type its results are asked in."""

    name: str
    text: str

    @property
    def graph_result(self) -> bool:
        """Whether the query returns triples (CONSTRUCT, DESCRIBE) rather than solutions."""
        match = _FORM.search(self.text)
        return match is not None and match.group(1).upper() in ("CONSTRUCT", "DESCRIBE")

    @property
    def accept(self) -> str:
        """The media type every server is asked for."""
        return GRAPH_TYPES if self.graph_result else SELECT_TYPES


def query_set(repo: Path = REPO) -> list[Query]:
    """The examples of ``queries/`` (sorted by name), then the extras."""
    files = sorted(repo.glob("queries/*.rq"))
    examples = [Query(p.stem, p.read_text(encoding="utf-8")) for p in files]
    return examples + [Query(name, PROLOGUE + text) for name, text in EXTRAS.items()]

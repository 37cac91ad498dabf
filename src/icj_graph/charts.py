"""The charts of the statistics page: each is a query, shown beside the chart it draws."""

from __future__ import annotations

from dataclasses import dataclass

_PREFIXES = """PREFIX icj:  <https://w3id.org/icj-graph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd:  <http://www.w3.org/2001/XMLSchema#>
"""


@dataclass(frozen=True)
class Chart:
    """A chart: its query's first column labels the x axis; `series` names a column that splits
    the values into stacked series (or None); `value` is the numeric column."""

    slug: str
    title: str
    description: str
    kind: str  # "bar", "line" or "cumulative"
    query: str
    value: str
    series: str | None = None


CHARTS = (
    Chart(
        "outcomes-by-tribunal",
        "Outcomes per tribunal",
        "Accused persons per tribunal by the final outcome of their prosecution.",
        "bar",
        _PREFIXES
        + """SELECT ?tribunal ?outcome (COUNT(DISTINCT ?person) AS ?persons) WHERE {
  ?p a icj:Prosecution ; icj:accused ?person ; icj:outcome/skos:prefLabel ?outcome ;
     icj:case/icj:tribunal/skos:notation ?tribunal .
} GROUP BY ?tribunal ?outcome ORDER BY ?tribunal ?outcome""",
        "persons",
        "outcome",
    ),
    Chart(
        "states-parties",
        "States Parties to the Rome Statute over time",
        "Ratifications, accessions and successions by the year they took effect, less "
        "withdrawals, summed year by year (only the treaty actions curated so far).",
        "cumulative",
        _PREFIXES
        + """SELECT ?year (SUM(?change) AS ?net) WHERE {
  ?a icj:instrument <https://w3id.org/icj-graph/id/legal-instrument/rome-statute> ;
     a ?kind ; icj:effectiveDate ?effective .
  VALUES (?kind ?change) {
    (icj:Ratification 1) (icj:Accession 1) (icj:Succession 1) (icj:Withdrawal -1)
  }
  BIND (YEAR(?effective) AS ?year)
} GROUP BY ?year ORDER BY ?year""",
        "net",
    ),
    Chart(
        "warrant-to-custody",
        "Days from arrest warrant to custody",
        "For each person with a warrant and a later arrest, transfer or surrender: days from the "
        "first warrant to the first custody event.",
        "bar",
        _PREFIXES
        + """SELECT ?person ?days WHERE {
  { SELECT ?p (MIN(?wd) AS ?warrant) WHERE {
      ?w a icj:ArrestWarrant ; icj:subject ?p ; icj:date ?wd } GROUP BY ?p }
  { SELECT ?p (MIN(?cd) AS ?custody) WHERE {
      ?e a icj:CustodyEvent ; icj:person ?p ; icj:date ?cd } GROUP BY ?p }
  FILTER (?custody >= ?warrant)
  BIND (xsd:integer(STRBEFORE(STRAFTER(STR(?custody - ?warrant), "P"), "D")) AS ?days)
  ?p rdfs:label ?person .
} ORDER BY DESC(?days)""",
        "days",
    ),
    Chart(
        "sentences-by-tribunal",
        "Sentences by tribunal",
        "Sentences recorded per tribunal by kind (terms of imprisonment, life, death), at trial "
        "and on appeal.",
        "bar",
        _PREFIXES
        + """SELECT ?tribunal ?kind (COUNT(?s) AS ?sentences) WHERE {
  ?s a icj:Sentence ; icj:sentenceKind/skos:prefLabel ?kind ;
     icj:case/icj:tribunal/skos:notation ?tribunal .
} GROUP BY ?tribunal ?kind ORDER BY ?tribunal ?kind""",
        "sentences",
        "kind",
    ),
)

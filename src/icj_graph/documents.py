"""An entity's document: its own triples, the labels of what it links to, the links to it.

The same description serves every format: RDF documents are a CONSTRUCT of it; the HTML page
reads it as rows (``outline_query``) and groups them into an ``Outline``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field

from icj_graph.iris import SLUG
from icj_graph.vocab import RDF_TYPE

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
DCTERMS_SOURCE = "http://purl.org/dc/terms/source"
INFERRED = "https://w3id.org/icj-graph/graph/inferred"
SKOS_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"


def _check(iri: str) -> str:
    # Only IRIs made of slugs reach the queries: nothing to escape.
    parts = iri.rsplit("/", 2)
    assert len(parts) == 3 and SLUG.match(parts[1]) and SLUG.match(parts[2]), iri
    return iri


def exists_query(iri: str) -> str:
    """ASK whether the graph says anything about `iri`."""
    return f"ASK {{ <{_check(iri)}> ?p ?o }}"


def describe_query(iri: str) -> str:
    """CONSTRUCT the document of `iri`: own triples (blank nodes followed one level), the
    labels and types of linked entities, and incoming links with their subjects' labels."""
    e = f"<{_check(iri)}>"
    return f"""CONSTRUCT {{
  {e} ?p ?o . ?o ?bp ?bo . ?o <{RDFS_LABEL}> ?ol .
  ?s ?ip {e} . ?s <{RDFS_LABEL}> ?sl . ?s a ?st .
}} WHERE {{
  {{ {e} ?p ?o .
     OPTIONAL {{ FILTER(isBlank(?o)) ?o ?bp ?bo }}
     OPTIONAL {{ FILTER(isIRI(?o)) ?o <{RDFS_LABEL}> ?ol }} }}
  UNION
  {{ ?s ?ip {e} . OPTIONAL {{ ?s <{RDFS_LABEL}> ?sl }} OPTIONAL {{ ?s a ?st }} }}
}}"""


def outline_query(iri: str) -> str:
    """SELECT the rows of `iri`'s HTML page: outgoing and incoming links with labels."""
    e = f"<{_check(iri)}>"
    return f"""SELECT ?direction ?p ?plabel ?o ?olabel WHERE {{
  {{ BIND("out" AS ?direction) GRAPH ?g {{ {e} ?p ?o }}
     FILTER (?g != <{INFERRED}> || ?p = <{RDF_TYPE}>)
     OPTIONAL {{ ?o <{RDFS_LABEL}> ?olabel FILTER(LANGMATCHES(LANG(?olabel), "en")) }} }}
  UNION
  {{ BIND("in" AS ?direction) ?o ?p {e} .
     OPTIONAL {{ ?o <{RDFS_LABEL}> ?olabel FILTER(LANGMATCHES(LANG(?olabel), "en")) }} }}
  OPTIONAL {{ ?p <{RDFS_LABEL}> ?plabel FILTER(LANGMATCHES(LANG(?plabel), "en")) }}
}}"""


@dataclass(frozen=True)
class Value:
    """One value of a property on the page: an IRI with its label, or a literal."""

    text: str
    iri: str | None = None
    datatype: str | None = None
    language: str | None = None


@dataclass
class Outline:
    """An entity's page content, grouped by property."""

    iri: str
    label: str
    alt_labels: list[str] = field(default_factory=list)
    types: list[Value] = field(default_factory=list)
    properties: dict[str, list[Value]] = field(default_factory=lambda: defaultdict(list))
    incoming: dict[str, list[Value]] = field(default_factory=lambda: defaultdict(list))
    sources: list[str] = field(default_factory=list)


def outline_from_results(iri: str, results_json: bytes) -> Outline:
    """Group SPARQL JSON results of ``outline_query`` into an Outline."""
    rows = json.loads(results_json)["results"]["bindings"]
    outline = Outline(iri=iri, label=iri.rsplit("/", 1)[-1])
    for row in sorted(rows, key=lambda r: (r["p"]["value"], _text(r))):
        p, o = row["p"]["value"], row["o"]
        name = row.get("plabel", {}).get("value") or p.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        value = Value(
            text=_text(row),
            iri=o["value"] if o["type"] == "uri" else None,
            datatype=o.get("datatype"),
            language=o.get("xml:lang"),
        )
        if row["direction"]["value"] == "in":
            outline.incoming[name].append(value)
        elif p == RDF_TYPE:
            outline.types.append(value)
        elif p == DCTERMS_SOURCE:
            outline.sources.append(o["value"])
        else:
            if p == RDFS_LABEL and value.language in (None, "en"):
                outline.label = value.text
                continue
            if p == SKOS_ALT:
                outline.alt_labels.append(value.text)
            outline.properties[name].append(value)
    return outline


def _text(row: dict[str, dict[str, str]]) -> str:
    if "olabel" in row:
        return row["olabel"]["value"]
    value = row["o"]["value"]
    return value.rsplit("#", 1)[-1].rsplit("/", 1)[-1] if row["o"]["type"] == "uri" else value


_EVENT_KINDS = (
    "ArrestWarrant",
    "Arrest",
    "Transfer",
    "VoluntarySurrender",
    "TrialJudgment",
    "AppealJudgment",
    "SentencingJudgment",
    "Signature",
    "Ratification",
    "Accession",
    "Succession",
    "Withdrawal",
    "SignatureWithdrawal",
    "AcceptanceDeclaration",
    "Summons",
    "Unsealing",
    "WarrantWithdrawal",
    "Appearance",
    "NonComplianceFinding",
    "Visit",
    "SentenceEnforcement",
    "ReparationsOrder",
    "AdmissibilityChallenge",
    "DeferralRequest",
    "Sanction",
    "CriminalProceedings",
    "Cyberattack",
)


def timeline_query(iri: str) -> str:
    """SELECT the dated events of an entity's story: for a case, its warrants, its accused's
    arrests and transfers, and its judgments; for a person, the same across cases, and measures
    against them; for a State, its treaty actions, findings and challenges; for a situation, the
    challenges and requests about it."""
    e = f"<{_check(iri)}>"
    kinds = " ".join(f"icj:{k}" for k in _EVENT_KINDS)
    return f"""PREFIX icj: <https://w3id.org/icj-graph/ontology#>
SELECT DISTINCT ?event ?kind ?kindLabel ?label ?date WHERE {{
  {{ ?event icj:case {e} }}
  UNION {{ {e} a icj:Case ; icj:accused ?p . ?event icj:person ?p }}
  UNION {{ ?event icj:person {e} }} UNION {{ ?event icj:subject {e} }}
  UNION {{ ?event icj:accused {e} }} UNION {{ ?event icj:state {e} }}
  UNION {{ ?event icj:situation {e} }} UNION {{ ?event icj:target {e} }}
  UNION {{ ?event icj:requestedBy {e} }}
  UNION {{ ?process icj:subject {e} . ?event icj:warrant|icj:summons ?process }}
  VALUES ?kind {{ {kinds} }}
  ?event a ?kind ; icj:date ?date ; <{RDFS_LABEL}> ?label .
  OPTIONAL {{ ?kind <{RDFS_LABEL}> ?kindLabel }}
}} ORDER BY ?date ?label"""


# A case is named by its number, or by its title while no source has given the number. After
# every required pattern: the engine joins in the order written, and an early OPTIONAL is slow.
_CASE_NAME = f"""?case <{RDFS_LABEL}> ?caseLabel . OPTIONAL {{ ?case icj:caseNumber ?number }}
  BIND (COALESCE(?number, ?caseLabel) AS ?caseName)"""


def charges_query(iri: str) -> str:
    """SELECT the charges of a case or against a person, with crime, provision and outcome."""
    e = f"<{_check(iri)}>"
    return f"""PREFIX icj: <https://w3id.org/icj-graph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
SELECT ?charge ?case ?caseName ?person ?personLabel ?count ?crime ?crimeLabel ?provision
       ?provisionLabel ?outcome ?outcomeLabel WHERE {{
  {{ ?charge icj:case {e} }} UNION {{ ?charge icj:accused {e} }}
  ?charge a icj:Charge ; icj:case ?case ; icj:accused ?person ; icj:crime ?crime ;
      icj:legalBasis ?provision ; icj:outcome ?outcome .
  ?person <{RDFS_LABEL}> ?personLabel . ?crime skos:prefLabel ?crimeLabel .
  ?provision <{RDFS_LABEL}> ?provisionLabel . ?outcome skos:prefLabel ?outcomeLabel .
  {_CASE_NAME}
  OPTIONAL {{ ?charge icj:countNumber ?count }}
}} ORDER BY ?caseName ?personLabel xsd:integer(?count) ?count ?crimeLabel ?provisionLabel"""


def prosecutions_query(iri: str) -> str:
    """SELECT the prosecutions of a case or of a person: accused, case, tribunal, outcome."""
    e = f"<{_check(iri)}>"
    return f"""PREFIX icj: <https://w3id.org/icj-graph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?p ?case ?caseName ?tribunal ?person ?personLabel ?outcome ?outcomeLabel WHERE {{
  {{ ?p icj:case {e} }} UNION {{ ?p icj:accused {e} }}
  ?p a icj:Prosecution ; icj:case ?case ; icj:accused ?person ; icj:outcome ?outcome .
  ?case icj:tribunal/skos:notation ?tribunal .
  ?person <{RDFS_LABEL}> ?personLabel . ?outcome skos:prefLabel ?outcomeLabel .
  {_CASE_NAME}
}} ORDER BY ?caseName ?personLabel"""


_SCHEMA_TYPES = {
    "Person": "Person",
    "Tribunal": "GovernmentOrganization",
    "State": "Country",
    "LegalInstrument": "Legislation",
    "Provision": "Legislation",
    "Situation": "Event",
    "CustodyEvent": "Event",
    "TreatyAction": "Event",
}


def schema_org(outline: Outline, page_url: str) -> dict[str, object]:
    """The schema.org description search engines read from the page (embedded JSON-LD).

    >>> o = Outline(iri="https://w3id.org/icj-graph/id/person/x", label="X", alt_labels=["Y"])
    >>> o.types.append(Value(text="Person", iri="https://w3id.org/icj-graph/ontology#Person"))
    >>> schema_org(o, "http://h/doc/person/x.html")["@type"]
    'Person'
    """
    kinds = {t.iri.rsplit("#", 1)[-1] for t in outline.types if t.iri}
    schema_type = next((s for k, s in _SCHEMA_TYPES.items() if k in kinds), "Thing")
    described: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": schema_type,
        "@id": outline.iri,
        "name": outline.label,
        "url": page_url,
    }
    if outline.alt_labels:
        described["alternateName"] = outline.alt_labels
    same = [v.iri for v in outline.properties.get("sameAs", []) if v.iri]
    if same:
        described["sameAs"] = same
    for key, name in (("birthDate", "birth date"), ("deathDate", "death date")):
        values = outline.properties.get(key) or outline.properties.get(name)
        if values:
            described[key] = values[0].text
    return described

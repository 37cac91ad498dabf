"""``/api/...``: JSON-LD collections with filters, search, sorting and pagination, and items
compacted against ``/context.jsonld`` (a case embeds its prosecutions, charges, warrants,
judgments and sentences)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from icj_graph.errors import BadRequest, UnknownEntity
from icj_graph.infer import INFERRED_GRAPH
from icj_graph.iris import ID_BASE, SLUG, mint_iri, to_served
from icj_graph.jsonld import compact_nodes, embed
from icj_graph.search import FOLD_FUNCTION, Fold, match_pattern, needle, search_query
from icj_graph.vocab import NS
from icj_graph.web.caching import cache_headers, not_modified
from icj_graph.web.deps import BuildDep, EngineDep, SettingsDep
from icj_graph.web.linked_data import served_base

router = APIRouter(prefix="/api", tags=["JSON-LD API"])


class JSONLDResponse(JSONResponse):
    """JSON-LD: plain JSON that expands with the published context."""

    media_type = "application/ld+json"


JSONLD = "application/ld+json"
RESULTS_JSON = "application/sparql-results+json"


@dataclass(frozen=True)
class Collection:
    """A collection: its class, its IRI type, and the patterns its filters add."""

    cls: str
    kind: str
    filters: dict[str, str] = field(default_factory=dict)


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
#: The IRI type of each filter's value.
FILTER_KINDS = {
    "tribunal": "tribunal",
    "situation": "situation",
    "crime": "crime",
    "person": "person",
    "outcome": "outcome",
    "nationality": "state",
    "state": "state",
    "trigger": "trigger-type",
    "case": "case",
    "broader": "crime",
    "instrument": "legal-instrument",
}
PREFIXES = f"""PREFIX icj: <{NS}>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX schema: <https://schema.org/>
PREFIX icjf: <{FOLD_FUNCTION.rsplit("#", 1)[0]}#>
"""


class Summary(BaseModel):
    """One entity in a collection page."""

    model_config = ConfigDict(populate_by_name=True)
    id: str
    type: str
    label: str | None = None


class Page(BaseModel):
    """A page of a collection, as compact JSON-LD."""

    model_config = ConfigDict(populate_by_name=True)
    context: str = Field(alias="@context")
    id: str
    type: str = "Collection"
    totalItems: int  # noqa: N815 - the JSON-LD/ActivityStreams name
    page: int
    perPage: int  # noqa: N815
    items: list[Summary]


class Suggestion(BaseModel):
    """A search suggestion: an entity, its kind and the page to open."""

    id: str
    label: str
    kind: str
    url: str


@router.get("/suggest", response_model=list[Suggestion], summary="Search suggestions")
async def suggest(
    request: Request,
    engine: EngineDep,
    q: Annotated[str, Query(min_length=1, description="Part of a name, alias or case number.")],
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> list[Suggestion]:
    """Entities whose names, aliases or case numbers contain `q` (accents and case ignored)."""
    if not needle(q):
        return []
    answer = await engine.fetch(search_query(q, limit=limit, fold=engine.fold), RESULTS_JSON)
    rows = json.loads(answer)["results"]["bindings"]
    base = served_base(request)
    return [
        Suggestion(
            id=r["e"]["value"],
            label=r.get("label", {}).get("value", r["e"]["value"]),
            kind=r["kind"]["value"].removeprefix(NS),
            url=to_served(r["e"]["value"], base),
        )
        for r in rows
    ]


@router.get(
    "/{collection}",
    response_model=Page,
    response_class=JSONLDResponse,
    summary="A collection, filtered and paged",
    responses={304: {"description": "Not Modified."}},
)
async def list_collection(
    collection: str,
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    build: BuildDep,
    q: Annotated[
        str | None,
        Query(description="Search names, aliases, case numbers (accents and case ignored)."),
    ] = None,
    sort: Annotated[str, Query(pattern="^-?label$", description="label or -label.")] = "label",
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1)] = 20,
) -> Response:
    """List a collection: tribunals, situations, cases, persons, charges, crimes, provisions,
    states. Filter by slug: ``/api/persons?tribunal=icty&crime=genocide&outcome=convicted``."""
    spec = _collection(collection)
    per_page = min(per_page, settings.max_api_page)
    where = _where(spec, request, q, engine.fold)
    cached = not_modified(request, build, f"api-{request.url.query}-{collection}")
    if cached:
        return cached
    total_rows = await _select(engine, f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ {where} }}")
    total = int(total_rows[0]["n"]["value"])
    order = "DESC(?label)" if sort.startswith("-") else "?label"
    rows = await _select(
        engine,
        f"SELECT ?e (SAMPLE(?l) AS ?label) WHERE {{ {where} "
        f'OPTIONAL {{ ?e rdfs:label ?l FILTER(LANGMATCHES(LANG(?l), "en")) }} }} '
        f"GROUP BY ?e ORDER BY {order} ?e LIMIT {per_page} OFFSET {(page - 1) * per_page}",
    )
    base = served_base(request)
    body = {
        "@context": f"{base}context.jsonld",
        "id": str(request.url),
        "type": "Collection",
        "totalItems": total,
        "page": page,
        "perPage": per_page,
        "items": [
            {"id": r["e"]["value"], "type": spec.cls, "label": r.get("label", {}).get("value")}
            for r in rows
        ],
    }
    headers = {
        **cache_headers(build, f"api-{request.url.query}-{collection}"),
        "Link": _links(request, page, per_page, total),
        "X-Total-Count": str(total),
    }
    return JSONResponse(body, media_type=JSONLD, headers=headers)


@router.get(
    "/{collection}/{slug}",
    response_class=JSONLDResponse,
    summary="One item as compact JSON-LD",
    responses={
        200: {"description": "The item.", "content": {JSONLD: {"schema": {"type": "object"}}}},
        304: {"description": "Not Modified."},
    },
)
async def get_item(
    collection: str, slug: str, request: Request, engine: EngineDep, build: BuildDep
) -> Response:
    """One entity, compact JSON-LD; a case embeds its prosecutions, charges, warrants,
    judgments and sentences, each with its ``id``."""
    spec = _collection(collection)
    iri = mint_iri(spec.kind, slug)
    cached = not_modified(request, build, f"api-item-{collection}-{slug}")
    if cached:
        return cached
    # Asserted triples, plus inferred types; inferred superproperties would only repeat values.
    query = (
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {{ BIND(<{iri}> AS ?s) ?s a icj:{spec.cls} }} "
        f"UNION {{ ?s icj:case <{iri}> }} GRAPH ?g {{ ?s ?p ?o }} "
        f"FILTER(?g != <{INFERRED_GRAPH.value}> || ?p = rdf:type) }}"
    )
    ntriples = await engine.fetch(PREFIXES + query, "application/n-triples")
    if not ntriples.strip():
        raise UnknownEntity(iri)
    item = embed(iri, compact_nodes(ntriples, request.app.state.jsonld_context))
    body = {"@context": f"{served_base(request)}context.jsonld", **item}
    headers = cache_headers(build, f"api-item-{collection}-{slug}")
    return JSONResponse(body, media_type=JSONLD, headers=headers)


def _collection(name: str) -> Collection:
    if name not in COLLECTIONS:
        raise UnknownEntity(f"/api/{name}")
    return COLLECTIONS[name]


def _where(spec: Collection, request: Request, q: str | None, fold: Fold) -> str:
    patterns = [f"?e a icj:{spec.cls} ."]
    for key, value in request.query_params.items():
        if key in ("q", "sort", "page", "per_page"):
            continue
        if key not in spec.filters:
            offered = ", ".join(sorted(spec.filters)) or "none"
            raise BadRequest(
                f"Unknown filter {key!r} here; filters: {offered}, q, sort, page, per_page."
            )
        if not SLUG.match(value):
            raise BadRequest(f"Filter {key}={value!r}: give a slug, e.g. {key}=icty.")
        target = f"<{ID_BASE}{FILTER_KINDS[key]}/{value}>"
        # Filters of one request share ?x: "convicted of genocide at the ICTY" is one charge.
        patterns.append(spec.filters[key].replace("{v}", target))
    if q and needle(q):
        patterns.append(match_pattern("?e", q, fold=fold))
    return " ".join(patterns)


async def _select(engine: EngineDep, query: str) -> list[dict[str, Any]]:
    answer = json.loads(await engine.fetch(PREFIXES + query, RESULTS_JSON))
    rows: list[dict[str, Any]] = answer["results"]["bindings"]
    return rows


def _links(request: Request, page: int, per_page: int, total: int) -> str:
    last = max(1, -(-total // per_page))
    pages = {"first": 1, "last": last}
    if page > 1:
        pages["prev"] = page - 1
    if page < last:
        pages["next"] = page + 1
    return ", ".join(
        f'<{request.url.include_query_params(page=n, per_page=per_page)}>; rel="{rel}"'
        for rel, n in pages.items()
    )


@router.get("/", include_in_schema=False)
async def index(request: Request) -> dict[str, str]:
    """The collections."""
    return {name: f"{served_base(request)}api/{name}" for name in COLLECTIONS}

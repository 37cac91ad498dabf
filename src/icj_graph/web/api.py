"""``/api/...``: JSON-LD collections with filters, search, sorting and pagination, and items
compacted against ``/context.jsonld`` (a case embeds its prosecutions, charges, warrants,
judgments and sentences).

Every key has one JSON shape whatever the item: a property that can hold several values is
always an array (``type``, ``source``, ``accused``, ...), a single-valued one a scalar (``label``,
dates, ``tribunal``, ...), and ``altLabel`` is a language map of arrays (see ``jsonld.py``).
A request the API cannot answer says why: an unknown collection or a page past the last is a
404 naming what there is; an unknown filter, a filter value that names nothing in the graph
(closed sets such as tribunals, crimes and outcomes are listed) or a search text without letters
or digits is a 400.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from icj_graph.errors import BadRequest, UnknownEntity, UnknownResource
from icj_graph.formats import RESULTS_JSON
from icj_graph.infer import INFERRED_GRAPH
from icj_graph.iris import ID_BASE, SLUG, mint_iri, to_served
from icj_graph.jsonld import compact_nodes, embed
from icj_graph.search import FOLD_FUNCTION, match_pattern, needle, search_query
from icj_graph.settings import Settings
from icj_graph.vocab import NS
from icj_graph.web.api_collections import COLLECTIONS, FILTERS, Collection, Filter, Filters
from icj_graph.web.caching import cache_headers, compacted, not_modified
from icj_graph.web.deps import BuildDep, EngineDep, SettingsDep
from icj_graph.web.linked_data import served_base

router = APIRouter(prefix="/api", tags=["JSON-LD API"])


class JSONLDResponse(JSONResponse):
    """JSON-LD: plain JSON that expands with the published context."""

    media_type = "application/ld+json"


JSONLD = "application/ld+json"


PREFIXES = f"""PREFIX icj: <{NS}>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX schema: <https://schema.org/>
PREFIX icjf: <{FOLD_FUNCTION.rsplit("#", 1)[0]}#>
"""
#: The largest page unless the server sets ICJ_GRAPH_MAX_API_PAGE.
MAX_PAGE = int(Settings.model_fields["max_api_page"].default)


CollectionName = Annotated[
    str,
    Path(
        description="The collection.",
        json_schema_extra={"enum": list(COLLECTIONS)},  # ours to check: an unknown one is a 404
    ),
]


class Summary(BaseModel):
    """One entity in a collection page."""

    model_config = ConfigDict(populate_by_name=True)
    id: str
    type: list[str]
    label: str | None = None


class Page(BaseModel):
    """A page of a collection, as compact JSON-LD."""

    model_config = ConfigDict(populate_by_name=True)
    context: str = Field(alias="@context")
    id: str
    type: list[str] = ["Collection"]
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
    """Entities whose names, aliases or case numbers contain `q` (accents and case ignored);
    none for a text without letters or digits."""
    if not _searchable(q):
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


@router.get("/", summary="The collections")
async def index(request: Request) -> dict[str, str]:
    """Each collection of the API and its URL: ``{"tribunals": ".../api/tribunals", ...}``."""
    return {name: f"{served_base(request)}api/{name}" for name in COLLECTIONS}


@router.get(
    "/{collection}",
    response_model=Page,
    response_class=JSONLDResponse,
    summary="A collection, filtered and paged",
    responses={304: {"description": "Not Modified."}},
)
async def list_collection(
    collection: CollectionName,
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    build: BuildDep,
    filters: Annotated[Filters, Query()],
    q: Annotated[
        str | None,
        Query(
            description="Search names, aliases, case numbers (accents and case ignored); "
            "a text without letters or digits gets 400."
        ),
    ] = None,
    sort: Annotated[str, Query(pattern="^-?label$", description="label or -label.")] = "label",
    page: Annotated[
        int, Query(ge=1, description="The page, from 1; a page past the last gets 404.")
    ] = 1,
    per_page: Annotated[
        int,
        Query(
            ge=1,
            description=f"Items per page, at most {MAX_PAGE} (or the server's "
            "ICJ_GRAPH_MAX_API_PAGE): a larger number is capped, and perPage says so.",
        ),
    ] = 20,
) -> Response:
    """List a collection: tribunals, situations, cases, persons, charges, crimes, provisions,
    states. Filter by slug: ``/api/persons?tribunal=icty&crime=genocide&outcome=convicted``.
    The filters of one request describe one charge or prosecution ("convicted of genocide at
    the ICTY"). Each item has ``id``, ``type`` (an array) and ``label`` (English); the ``Link``
    header gives first, prev, next and last pages, ``X-Total-Count`` the total."""
    spec = _collection(collection)
    per_page = min(per_page, settings.max_api_page)
    where = await _where(spec, request, filters, q, engine)
    cached = not_modified(request, build, f"api-{request.url.query}-{collection}")
    if cached:
        return cached
    total_rows = await _select(engine, f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ {where} }}")
    total = int(total_rows[0]["n"]["value"])
    last = max(1, -(-total // per_page))
    if page > last:
        raise UnknownResource(
            request.url.path,
            f"Page {page} is past the last page of this list, {last} "
            f"({total} items, {per_page} a page).",
        )
    # alphabetical, accents aside: É with E, Ž with Z, Đ with D (not after Z, as code points sort)
    folded = engine.fold("?label")
    order = f"DESC({folded}) DESC(?label)" if sort.startswith("-") else f"{folded} ?label"
    rows = await _select(
        engine,
        f"SELECT ?e (SAMPLE(?l) AS ?label) WHERE {{ {where} "
        f'OPTIONAL {{ ?e rdfs:label ?l FILTER(LANGMATCHES(LANG(?l), "en")) }} }} '
        f"GROUP BY ?e ORDER BY {order} ?e LIMIT {per_page} OFFSET {(page - 1) * per_page}",
    )
    body = {
        "@context": f"{served_base(request)}context.jsonld",
        "id": str(request.url),
        "type": ["Collection"],
        "totalItems": total,
        "page": page,
        "perPage": per_page,
        "items": [
            {"id": r["e"]["value"], "type": [spec.cls], "label": r.get("label", {}).get("value")}
            for r in rows
        ],
    }
    headers = {
        **cache_headers(build, f"api-{request.url.query}-{collection}"),
        "Link": _links(request, page, per_page, last),
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
    collection: CollectionName,
    slug: Annotated[str, Path(description="The item's slug, as in its id: ratko-mladic.")],
    request: Request,
    engine: EngineDep,
    build: BuildDep,
) -> Response:
    """One entity, compact JSON-LD; a case embeds its prosecutions, charges, warrants,
    judgments and sentences, each with its ``id``.

    One key per property, one shape per key: a property that can hold several values is always
    an array (``type``, ``source``, ``accused``, ``nationality``, ``caseNumber``, ...), a
    single-valued one a scalar (``label``, dates, ``tribunal``, ``outcome``, ...; the context
    ``/context.jsonld`` marks the arrays ``"@container": "@set"``), and ``altLabel`` maps
    each language to its names: ``{"en": ["Ratko Mladic"], "sr-cyrl": ["Ратко Младић"]}``."""
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
    base = served_base(request)

    async def triples() -> bytes:
        ntriples = await engine.fetch(PREFIXES + query, "application/n-triples")
        if not ntriples.strip():
            raise UnknownEntity(iri)
        return ntriples

    context = request.app.state.jsonld_context
    body = await compacted(
        request, ("api", base, iri), triples, lambda nt: _item_body(iri, nt, context, base)
    )
    headers = cache_headers(build, f"api-item-{collection}-{slug}")
    return Response(body, media_type=JSONLD, headers=headers)


def _item_body(iri: str, ntriples: bytes, context: dict[str, Any], base: str) -> bytes:
    """The JSON-LD body of one API item."""
    item = {"@context": f"{base}context.jsonld", **embed(iri, compact_nodes(ntriples, context))}
    return json.dumps(item, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _collection(name: str) -> Collection:
    if name not in COLLECTIONS:
        raise UnknownResource(
            f"/api/{name}",
            f"No collection {name!r} in the API; the collections are "
            f"{', '.join(COLLECTIONS)} (listed at /api/).",
        )
    return COLLECTIONS[name]


def _searchable(q: str) -> bool:
    """Whether a search text has a letter or digit to look for.

    >>> _searchable("Mladić"), _searchable('")'), _searchable(" - ")
    (True, False, False)
    """
    return any(c.isalnum() for c in needle(q))


async def _where(
    spec: Collection, request: Request, filters: Filters, q: str | None, engine: EngineDep
) -> str:
    """The WHERE patterns of a collection request; raise BadRequest on what it cannot mean."""
    patterns = [f"?e a icj:{spec.cls} ."]
    for key in request.query_params:
        if key not in (*spec.filters, "q", "sort", "page", "per_page"):
            offered = ", ".join(sorted(spec.filters)) or "none"
            raise BadRequest(
                f"Unknown filter {key!r} here; filters: {offered}, q, sort, page, per_page."
            )
    for key, value in filters.model_dump(exclude_none=True).items():
        target = await _filter_value(key, value, engine)
        # Filters of one request share ?x: "convicted of genocide at the ICTY" is one charge.
        patterns.append(spec.filters[key].replace("{v}", target))
    if q is not None:
        if not _searchable(q):
            raise BadRequest(
                f"Search text q={q!r} has no letters or digits: "
                "give part of a name, alias or case number."
            )
        patterns.append(match_pattern("?e", q, fold=engine.fold))
    return " ".join(patterns)


async def _filter_value(key: str, value: str, engine: EngineDep) -> str:
    """The IRI a filter's value names; raise BadRequest if it names nothing in the graph."""
    spec = FILTERS[key]
    kind = spec.kind.replace("-", " ")
    iri = f"{ID_BASE}{spec.kind}/{value}"
    if spec.closed:
        slugs = await _slugs(engine, spec)
        if value not in slugs:
            raise BadRequest(
                f"Filter {key}={value!r} names no {kind}: give a slug, one of {', '.join(slugs)}."
            )
    elif not SLUG.match(value) or not await _exists(engine, iri, spec.cls):
        listed = next(name for name, c in COLLECTIONS.items() if c.kind == spec.kind)
        raise BadRequest(
            f"Filter {key}={value!r} names no {kind} in the graph: give a slug, as in the ids "
            f"of /api/{listed} (search it with ?q=)."
        )
    return f"<{iri}>"


async def _slugs(engine: EngineDep, spec: Filter) -> list[str]:
    """The slugs of every entity a filter can name, sorted."""
    rows = await _select(engine, f"SELECT DISTINCT ?e WHERE {{ ?e a icj:{spec.cls} }}")
    prefix = f"{ID_BASE}{spec.kind}/"
    iris = (r["e"]["value"] for r in rows)
    return sorted(iri.removeprefix(prefix) for iri in iris if iri.startswith(prefix))


async def _exists(engine: EngineDep, iri: str, cls: str) -> bool:
    answer = json.loads(
        await engine.fetch(f"{PREFIXES}ASK {{ <{iri}> a icj:{cls} }}", RESULTS_JSON)
    )
    return bool(answer["boolean"])


async def _select(engine: EngineDep, query: str) -> list[dict[str, Any]]:
    answer = json.loads(await engine.fetch(PREFIXES + query, RESULTS_JSON))
    rows: list[dict[str, Any]] = answer["results"]["bindings"]
    return rows


def _links(request: Request, page: int, per_page: int, last: int) -> str:
    pages = {"first": 1, "last": last}
    if page > 1:
        pages["prev"] = page - 1
    if page < last:
        pages["next"] = page + 1
    return ", ".join(
        f'<{request.url.include_query_params(page=n, per_page=per_page)}>; rel="{rel}"'
        for rel, n in pages.items()
    )

"""HTML pages: home, search, the query editor, statistics. Handlers build plain contexts;
templates never query."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from icj_graph.charts import CHARTS
from icj_graph.examples import load_examples
from icj_graph.formats import RESULTS_JSON
from icj_graph.search import needle, search_query
from icj_graph.vocab import NS, PREFIXES
from icj_graph.web.deps import BuildDep, EngineDep, SettingsDep
from icj_graph.web.linked_data import served_base
from icj_graph.web.templating import templates

router = APIRouter(include_in_schema=False)
#: The example the query editor opens on: short, with our prefixes, and a table worth charting.
STARTER = "cases-per-tribunal"
_TRIBUNALS = f"""PREFIX icj: <{NS}>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?t ?notation ?label ?founded (COUNT(DISTINCT ?case) AS ?cases)
       (COUNT(DISTINCT ?person) AS ?accused) (COUNT(DISTINCT ?convicted) AS ?convictions)
WHERE {{
  ?t a icj:Tribunal ; skos:notation ?notation ; rdfs:label ?label ; icj:foundingDate ?founded .
  FILTER (LANGMATCHES(LANG(?label), "en"))
  OPTIONAL {{ ?case a icj:Case ; icj:tribunal ?t ; icj:accused ?person .
    FILTER NOT EXISTS {{ ?case a icj:ContemptCase }}
    OPTIONAL {{ ?p a icj:Prosecution ; icj:case ?case ; icj:accused ?convicted ;
      icj:outcome <https://w3id.org/icj-graph/id/outcome/convicted> }} }}
}} GROUP BY ?t ?notation ?label ?founded ORDER BY ?founded"""


#: Results shown on the search page; /api/... pages through all of them.
_SEARCH_LIMIT = 100


async def _rows(engine: EngineDep, query: str) -> list[dict[str, str]]:
    answer = json.loads(await engine.fetch(query, RESULTS_JSON))
    return [{k: v["value"] for k, v in row.items()} for row in answer["results"]["bindings"]]


@router.get("/")
async def home(request: Request, engine: EngineDep, build: BuildDep) -> Response:
    """What the dataset covers, with live counts, a search box and the tribunals to browse."""
    context = {
        "tribunals": await _rows(engine, _TRIBUNALS),
        "classes": build.classes,
        "build": build,
        "served": served_base(request),
    }
    return templates.TemplateResponse(request, "home.html", context)


@router.get("/search")
async def search(request: Request, engine: EngineDep, q: Annotated[str, Query()] = "") -> Response:
    """Entities whose names, aliases or case numbers contain `q`, accents and case ignored."""
    results: list[dict[str, Any]] = []
    if needle(q):
        query = search_query(q, limit=_SEARCH_LIMIT, fold=engine.fold)
        results = await _rows(engine, query)
        for r in results:
            r["kind"] = r["kind"].removeprefix(NS)
    context = {
        "query_text": q,
        "results": results,
        "capped": len(results) == _SEARCH_LIMIT,
        "served": served_base(request),
    }
    return templates.TemplateResponse(request, "search.html", context)


@router.get("/query")
async def query_page(request: Request, settings: SettingsDep) -> Response:
    """The SPARQL editor, opening on the STARTER example, with the examples of queries/ below,
    loadable with one click."""
    examples = load_examples(settings.source_dir / "queries")
    starter = next((e for e in examples if e.name == STARTER), None)
    return templates.TemplateResponse(
        request, "query.html", {"examples": examples, "starter": starter}
    )


@router.get("/stats")
async def stats(request: Request) -> Response:
    """Charts, each drawn from the query shown beside it."""
    return templates.TemplateResponse(request, "stats.html", {"charts": CHARTS})


@router.get("/docs")
async def api_docs(request: Request) -> Response:
    """The OpenAPI description, drawn by the vendored Swagger UI."""
    return templates.TemplateResponse(request, "api-docs.html", {})


@router.get("/prefixes.json")
async def prefixes() -> dict[str, str]:
    """The prefixes the query editor offers (instead of asking prefix.cc)."""
    return PREFIXES

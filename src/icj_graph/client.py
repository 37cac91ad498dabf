"""Use the graph from Python: the built store or any SPARQL endpoint, queries as rows of
Python values or a pandas DataFrame, entities by IRI or name, and citations.

>>> from icj_graph.client import Graph
>>> graph = Graph.open()                                  # doctest: +SKIP
>>> graph.rows("SELECT ?t WHERE { ?t a <https://w3id.org/icj-graph/ontology#Tribunal> }")
...                                                       # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import datetime
import decimal
import hashlib
import io
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
from pyoxigraph import (
    Store,
)

from icj_graph.errors import QueryFailed, StoreUnavailable
from icj_graph.formats import for_form, negotiate
from icj_graph.remote import RemoteEngine
from icj_graph.search import (
    local_fold,
    needle,
    portable_fold,
    search_query,
)
from icj_graph.settings import Settings
from icj_graph.sparql import QueryJob, check_query, evaluation_error, syntax_error
from icj_graph.store import BuildInfo, current_build, execute, open_store, read_build_info
from icj_graph.workers import Task

if TYPE_CHECKING:
    import pandas

CANONICAL = "https://w3id.org/icj-graph/"
XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMBERS = {XSD + "integer": int, XSD + "decimal": decimal.Decimal, XSD + "double": float}


@dataclass
class Graph:
    """The knowledge graph: the built store (in this process) or a remote SPARQL endpoint."""

    settings: Settings
    store: Store | None = None
    endpoint: str | None = None
    info: BuildInfo | None = None

    @classmethod
    def open(cls, store: str | Path | None = None, *, endpoint: str | None = None) -> Graph:
        """Open the built store (default: setting store_path), or a SPARQL endpoint."""
        settings = Settings(store_path=Path(store)) if store else Settings()
        if endpoint:
            return cls(settings, endpoint=endpoint)
        build = current_build(settings.store_path)
        return cls(settings, open_store(build, in_memory=True), info=read_build_info(build))

    def query(self, text: str, *, format: str = "json") -> bytes:
        """Run a read-only query; return its results serialized in `format` (a short name)."""
        job = check_query(text, self.settings)
        fmt = negotiate(for_form(job.form), None, name=format)
        if self.endpoint:
            return self._remote(job, fmt.media_type)
        assert self.store is not None
        output = io.BytesIO()
        try:
            execute(self.store, job.text, fmt.media_type, output, dataset=job.dataset)
        except SyntaxError as err:
            raise syntax_error(str(err)) from None
        except RuntimeError as err:  # the engine's evaluation error
            raise evaluation_error(str(err)) from None
        return output.getvalue()

    def rows(self, text: str) -> list[dict[str, Any]]:
        """Run a SELECT; each row a dict of Python values (str, int, Decimal, float, bool,
        date; IRIs as str)."""
        answer = json.loads(self.query(text, format="json"))
        return [
            {name: _python(term) for name, term in row.items()}
            for row in answer["results"]["bindings"]
        ]

    def dataframe(self, text: str) -> pandas.DataFrame:
        """Run a SELECT into a pandas DataFrame (``pip install 'icj-graph[pandas]'``)."""
        try:
            import pandas
        except ImportError:
            raise QueryFailed(
                "pandas is not installed: pip install 'icj-graph[pandas]' (or pandas)."
            ) from None
        variables = json.loads(self.query(text, format="json"))["head"]["vars"]
        return pandas.DataFrame(self.rows(text), columns=variables)

    def entity(self, iri_or_name: str) -> dict[str, list[Any]]:
        """An entity's properties by IRI, or by a name or alias (accents and case ignored);
        keys are property IRIs, values lists of Python values."""
        iri = (
            iri_or_name
            if iri_or_name.startswith(("http://", "https://"))
            else self.find(iri_or_name)
        )
        rows = self.rows(f"SELECT ?p ?o WHERE {{ <{_safe_iri(iri)}> ?p ?o }} ORDER BY ?p ?o")
        if not rows:
            raise StoreUnavailable(f"No entity <{iri}> in this graph.")
        described: dict[str, list[Any]] = {"@id": [iri]}
        for row in rows:
            described.setdefault(row["p"], []).append(row["o"])
        return described

    def find(self, name: str) -> str:
        """The IRI of the entity best matching `name` (accents and case ignored)."""
        query = search_query(name, limit=1, fold=portable_fold if self.endpoint else local_fold)
        found = self.rows(query) if needle(name) else []
        if not found:
            raise StoreUnavailable(f"Nothing in the graph is named like {name!r}.")
        return str(found[0]["e"])

    def cite(self, text: str, *, at: datetime.datetime | None = None) -> str:
        """A citation of this query's results, to paste into a footnote."""
        moment = (at or datetime.datetime.now(datetime.UTC)).replace(microsecond=0)
        query = text.strip()  # the hash is of the text printed, so a reader can check it
        digest = hashlib.sha256(query.encode("utf-8")).hexdigest()[:12]
        build = None
        if self.info:
            build = (self.info.version, self.info.content_hash, self.info.built_at)
        elif self.endpoint:
            build = _served_build(self.endpoint)
        if build:
            source = f"icj-graph dataset, version {build[0]} (build {build[1]}, {build[2]})"
            if self.endpoint:
                source += f" via {self.endpoint}"
        else:
            source = f"icj-graph dataset via {self.endpoint}"
        return (
            f"{source}, {CANONICAL}. SPARQL query (SHA-256 {digest}…) run on "
            f"{moment.isoformat()}. Licence CC BY 4.0.\n\n{query}\n"
        )

    def _remote(self, job: QueryJob, media_type: str) -> bytes:
        assert self.endpoint is not None
        engine = RemoteEngine(self.endpoint, timeout_s=self.settings.query_timeout_s)

        async def fetch() -> bytes:
            try:
                stream = await engine.run(job, Task(job.text, media_type, job.dataset))
                return await stream.read_all()
            finally:
                await engine.close()

        # On a thread of its own, so that it also works where an event loop already runs
        # (a Jupyter notebook).
        with ThreadPoolExecutor(max_workers=1) as thread:
            return thread.submit(asyncio.run, fetch()).result()


def _served_build(endpoint: str) -> tuple[str, str, str] | None:
    """The version, build hash and build time an icj-graph server publishes at ``/readyz``
    beside its endpoint; None for another kind of store, or one that does not answer."""
    try:
        answer = httpx.get(httpx.URL(endpoint).join("/readyz"), timeout=5).json()
        return str(answer["version"]), str(answer["content_hash"]), str(answer["built_at"])
    except (httpx.HTTPError, ValueError, KeyError, TypeError):
        return None


def _safe_iri(iri: str) -> str:
    if any(c in iri for c in '<>"{}|^`\\ '):
        raise QueryFailed(f"{iri!r} is not an IRI.")
    return iri


def _python(term: dict[str, str]) -> Any:
    value = term["value"]
    datatype = term.get("datatype", "")
    if datatype in _NUMBERS:
        return _NUMBERS[datatype](value)
    if datatype == XSD + "boolean":
        return value == "true"
    if datatype == XSD + "date":
        return datetime.date.fromisoformat(value)
    return value

"""Run a checked, read-only query on the built store in this process (the CLI's path)."""

from __future__ import annotations

from pyoxigraph import QueryBoolean, QueryResultsFormat, QuerySolutions, RdfFormat

from icj_graph.formats import for_form, negotiate
from icj_graph.settings import Settings
from icj_graph.sparql import check_query, syntax_error
from icj_graph.store import current_build, open_store


def run_local(settings: Settings, text: str, format_name: str) -> bytes:
    """Check `text` against the query policy, run it on the built store, serialize the answer."""
    job = check_query(text, settings)
    fmt = negotiate(for_form(job.form), None, name=format_name)
    store = open_store(current_build(settings.store_path), in_memory=settings.in_memory)
    try:
        result = store.query(job.text, use_default_graph_as_union=True)
    except SyntaxError as err:
        raise syntax_error(str(err)) from None
    if isinstance(result, QuerySolutions | QueryBoolean):
        return result.serialize(format=QueryResultsFormat.from_media_type(fmt.media_type)) or b""
    return result.serialize(format=RdfFormat.from_media_type(fmt.media_type)) or b""

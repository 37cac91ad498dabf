"""The query policy, applied before any query reaches the engine."""

from __future__ import annotations

import io

import pytest
from pyoxigraph import Literal, NamedNode, Quad, Store

from icj_graph.errors import (
    BadRequest,
    PayloadTooLarge,
    QuerySyntaxError,
    ServiceRefused,
    UpdateRefused,
)
from icj_graph.settings import Settings
from icj_graph.sparql import Dataset, check_query
from icj_graph.store import execute

DEFAULTS = Settings()


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("SELECT * { ?s ?p ?o }", "SELECT"),
        ("PREFIX insert: <http://e/> ASK { ?s insert:p 'DELETE' }", "ASK"),
        ("# INSERT in a comment\nCONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("BASE <http://e/> describe <x>", "DESCRIBE"),
        ('SELECT ?service { ?service <http://e/p> """SERVICE <http://x/>""" }', "SELECT"),
    ],
)
def test_query_forms_are_recognised(query: str, form: str) -> None:
    assert check_query(query, DEFAULTS).form == form


@pytest.mark.parametrize(
    "query",
    [
        "INSERT DATA { <a:a> <a:b> <a:c> }",
        "delete where { ?s ?p ?o }",
        "LOAD <http://x/>",
        "CLEAR ALL",
        "DROP GRAPH <g:g>",
        "WITH <g:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    ],
)
def test_updates_are_refused(query: str) -> None:
    with pytest.raises(UpdateRefused):
        check_query(query, DEFAULTS)


def test_service_is_refused_unless_allowed_and_listed() -> None:
    query = "SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    with pytest.raises(ServiceRefused, match="ICJ_GRAPH_ALLOW_SERVICE"):
        check_query(query, DEFAULTS)
    listed = Settings(allow_service=True, service_allowlist=["http://127.0.0.1:9/sparql"])
    assert check_query(query, listed).service_iris == ("http://127.0.0.1:9/sparql",)
    with pytest.raises(ServiceRefused, match="allow-list"):
        check_query(query.replace(":9/", ":10/"), listed)
    with pytest.raises(ServiceRefused, match="full endpoint IRI"):
        check_query("SELECT * { SERVICE ?endpoint { ?s ?p ?o } }", listed)


def test_nesting_and_size_limits() -> None:
    with pytest.raises(BadRequest, match="nests deeper than 200"):
        check_query("ASK " + "{" * 201 + "}" * 201, DEFAULTS)
    assert check_query("ASK " + "{" * 100 + "}" * 100, DEFAULTS).form == "ASK"
    with pytest.raises(PayloadTooLarge):
        check_query("ASK {}" + " " * 100_000, DEFAULTS)


def test_no_query_form_is_a_syntax_error() -> None:
    with pytest.raises(BadRequest, match="expected SELECT, CONSTRUCT, ASK or DESCRIBE"):
        check_query("PREFIX e: <http://e/>", DEFAULTS)


def test_the_querys_own_dataset_is_read_from_from_clauses() -> None:
    query = (
        "PREFIX g: <https://w3id.org/icj-graph/graph/data/>\n"
        "SELECT * FROM g:icc FROM <urn:x> FROM NAMED g:icty # FROM <urn:comment>\n"
        'WHERE { ?s ?p "FROM <urn:in-a-string>" }'
    )
    job = check_query(query, Settings())
    assert job.dataset == Dataset(
        ("https://w3id.org/icj-graph/graph/data/icc", "urn:x"),
        ("https://w3id.org/icj-graph/graph/data/icty",),
        own=True,
    )


def test_the_protocols_dataset_wins_over_the_querys() -> None:
    job = check_query("SELECT * FROM <urn:x> { ?s ?p ?o }", Settings(), named_graphs=("urn:y",))
    assert job.dataset == Dataset((), ("urn:y",))


def test_without_from_the_default_graph_stays_the_union() -> None:
    job = check_query("SELECT * { GRAPH ?g { ?s ?p ?o } }", Settings())
    assert job.dataset == Dataset() and job.dataset.is_union


def test_an_undeclared_prefix_is_reported_where_it_is_used() -> None:
    query = (
        "PREFIX icj: <https://w3id.org/icj-graph/ontology#>\n"
        "SELECT ?c WHERE {\n  ?c a icjx:Case .\n}"
    )
    with pytest.raises(QuerySyntaxError) as raised:
        check_query(query, Settings())
    assert (raised.value.line, raised.value.column) == (3, 8)
    assert "the prefix icjx: is not declared (add PREFIX icjx: <...>" in raised.value.message


def test_names_in_strings_iris_comments_and_blank_nodes_are_not_prefixes() -> None:
    query = 'SELECT * WHERE { _:b <urn:x:y> "ex:a" . ?s ?p ?o } # ex:c'
    assert check_query(query, Settings()).form == "SELECT"


def test_virtuoso_define_pragmas_are_refused() -> None:
    query = 'DEFINE get:soft "replace" SELECT * FROM <http://example.org/> WHERE { ?s ?p ?o }'
    with pytest.raises(BadRequest, match="DEFINE pragmas are not SPARQL 1.1"):
        check_query(query, Settings())
    assert check_query('SELECT * WHERE { ?s ?p "DEFINE" }', Settings()).form == "SELECT"


@pytest.mark.parametrize(
    ("query", "header"),
    [
        ("SELECT * WHERE { ?work ?prop ?author }", b"work,prop,author"),
        # a variable used only in a FILTER is not a column
        ("SELECT DISTINCT * { ?z ?y ?x FILTER(?unbound = 1) }", b"z,y,x"),
        ("SELECT * { { SELECT ?x { ?x ?p ?o } } ?x ?pp ?oo } ORDER BY ?oo", b"x,pp,oo"),
        ("select *\n# ?comment\n{ ?b ?a ?c }", b"b,a,c"),
        ("SELECT ?c ?a { ?a ?b ?c }", b"c,a"),  # an explicit projection is kept as written
    ],
)
def test_select_star_columns_come_in_the_order_the_variables_are_written(
    query: str, header: bytes
) -> None:
    # Oxigraph orders the columns of SELECT * by name (author,prop,work for the first).
    store = Store()
    store.add(Quad(NamedNode("http://e/a"), NamedNode("http://e/p"), Literal("x")))
    output = io.BytesIO()
    execute(store, query, "text/csv", output)
    assert output.getvalue().split(b"\r\n")[0] == header

"""Dereferenceable IRIs and entity documents, checked with real linked-data clients."""

from __future__ import annotations

import gzip
import hashlib
import re
from collections import deque

import httpx
import pytest
import rdflib

CANONICAL = "https://w3id.org/icj-graph/"
MLADIC = CANONICAL + "id/person/ratko-mladic"
ICJ = rdflib.Namespace(CANONICAL + "ontology#")


@pytest.mark.parametrize(
    ("accept", "extension"),
    [
        ("text/html", "html"),
        ("text/turtle", "ttl"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "jsonld"),
        ("application/rdf+xml", "rdf"),
        ("text/html;q=0.5, text/turtle", "ttl"),
        ("TEXT/TURTLE", "ttl"),  # media types are case-insensitive
        ("application/json", "jsonld"),  # plain JSON clients get JSON-LD, as from /sparql
    ],
)
def test_entity_iri_answers_303_to_its_document(
    client: httpx.Client, accept: str, extension: str
) -> None:
    response = client.get("/id/person/ratko-mladic", headers={"Accept": accept})
    assert response.status_code == 303
    assert response.headers["location"].endswith(f"/doc/person/ratko-mladic.{extension}")
    assert "accept" in response.headers["vary"].lower()


@pytest.mark.parametrize(
    ("extension", "media_type", "rdflib_format"),
    [
        ("ttl", "text/turtle", "turtle"),
        ("nt", "application/n-triples", "nt"),
        ("jsonld", "application/ld+json", "json-ld"),
        ("rdf", "application/rdf+xml", "xml"),
    ],
)
def test_documents_by_extension_hold_the_same_triples(
    client: httpx.Client, extension: str, media_type: str, rdflib_format: str
) -> None:
    response = client.get(f"/doc/person/ratko-mladic.{extension}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    graph = rdflib.Graph().parse(data=response.content, format=rdflib_format)
    reference = rdflib.Graph().parse(
        data=client.get("/doc/person/ratko-mladic.nt").content, format="nt"
    )
    assert set(graph) == set(reference)
    mladic = rdflib.URIRef(MLADIC)
    assert (mladic, rdflib.RDFS.label, rdflib.Literal("Ratko Mladić", lang="en")) in graph
    # incoming links: the charges that name him
    charge = rdflib.URIRef(CANONICAL + "id/charge/it-09-92-ratko-mladic-count-1")
    assert (charge, ICJ.accused, mladic) in graph


def test_unnumbered_charges_of_one_crime_list_in_provision_order(client: httpx.Client) -> None:
    # Putin's two charges share a crime concept; the table then follows the Statute's order
    html = client.get("/doc/case/icc-vladimir-putin.html").text
    charges = html.split('id="charges"', 1)[1]
    assert charges.index("article 8(2)(a)(vii)") < charges.index("article 8(2)(b)(viii)")


def test_the_jsonld_document_is_compact_and_self_contained(client: httpx.Client) -> None:
    document = client.get("/doc/case/it-09-92.jsonld").json()
    context = document["@context"]
    # the context travels inline, cut to what the document uses: no fetch needed to read it
    assert isinstance(context, dict)
    assert {"label", "accused", "caseNumber", "source"} <= context.keys()
    assert "totalItems" not in context and "prosecutions" not in context
    case, *others = document["@graph"]
    assert case["id"] == CANONICAL + "id/case/it-09-92"
    assert case["label"] == "Prosecutor v. Ratko Mladić"
    assert case["caseNumber"] == ["IT-09-92"]
    assert "Case" in case["type"]
    assert case["accused"] == [MLADIC]
    assert MLADIC in {node["id"] for node in others}


def test_rdflib_dereferences_an_iri_and_gets_at_least_the_describe(
    server: str, client: httpx.Client
) -> None:
    graph = rdflib.Graph().parse(f"{server}/id/case/it-09-92")
    describe = client.get(
        "/sparql",
        params={"query": f"DESCRIBE <{CANONICAL}id/case/it-09-92>"},
        headers={"Accept": "application/n-triples"},
    )
    described = set(rdflib.Graph().parse(data=describe.content, format="nt"))
    assert described and described <= set(graph)


def test_negotiated_document_names_its_variant(client: httpx.Client) -> None:
    response = client.get("/doc/case/it-09-92", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-location"].endswith("/doc/case/it-09-92.ttl")
    assert response.headers["vary"].lower().startswith("accept")


def test_html_document_shows_facts_links_and_sources(client: httpx.Client) -> None:
    response = client.get("/doc/case/it-09-92.html")
    assert response.status_code == 200
    html = response.text
    assert "<h1>Prosecutor v. Ratko Mladić</h1>" in html
    assert f'href="{client.base_url}/id/person/ratko-mladic"' in html
    assert "https://www.icty.org/" in html


def test_conditional_get_answers_304(client: httpx.Client) -> None:
    first = client.get("/doc/person/ratko-mladic.ttl")
    assert first.headers["cache-control"].startswith("public")
    again = client.get(
        "/doc/person/ratko-mladic.ttl", headers={"If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304 and not again.content
    other = client.get(
        "/doc/person/ratko-mladic.nt", headers={"If-None-Match": first.headers["etag"]}
    )
    assert other.status_code == 200


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("/shapes", "text/turtle"),
        ("/function", "text/turtle"),
        ("/sparql", "text/turtle"),  # the service description
        ("/sparql", "application/ld+json"),
    ],
)
def test_answers_made_at_request_time_revalidate_too(
    client: httpx.Client, path: str, accept: str
) -> None:
    first = client.get(path, headers={"Accept": accept})
    assert first.status_code == 200
    assert "max-age" in first.headers["cache-control"]
    tag = first.headers["etag"]
    again = client.get(path, headers={"Accept": accept, "If-None-Match": tag})
    assert again.status_code == 304
    assert again.content == b""
    # another format is another representation, with its own tag
    other = client.get(path, headers={"Accept": "application/n-triples", "If-None-Match": tag})
    assert other.status_code == 200
    assert other.headers["etag"] != tag


def test_unknown_entity_gets_404_with_a_helpful_page(client: httpx.Client) -> None:
    response = client.get("/id/person/nobody-at-all", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert "No entity" in response.text and "nobody-at-all" in response.text
    assert client.get("/doc/person/nobody-at-all.ttl").status_code == 404
    assert client.get("/id/person/Not_A_Slug").status_code == 400


def test_a_near_miss_iri_suggests_the_entities_it_may_mean(client: httpx.Client) -> None:
    response = client.get("/id/person/thomas-lubanga", headers={"Accept": "application/json"})
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["suggestions"][0] == f"{client.base_url}/id/person/thomas-lubanga-dyilo"
    assert "Did you mean <" in error["message"]
    page = client.get("/id/person/thomas-lubanga", headers={"Accept": "text/html"}).text
    assert f'href="{client.base_url}/id/person/thomas-lubanga-dyilo"' in page


def test_unsatisfiable_accept_gets_406(client: httpx.Client) -> None:
    response = client.get("/id/person/ratko-mladic", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "text/turtle" in response.text and "text/html" in response.text


def test_ontology_and_shapes_are_published(client: httpx.Client) -> None:
    html = client.get("/ontology", headers={"Accept": "text/html"})
    assert html.status_code == 200 and 'id="Charge"' in html.text and "icj:legalBasis" in html.text
    turtle = client.get("/ontology", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=turtle.text, format="turtle")
    assert (ICJ.Charge, rdflib.RDF.type, rdflib.OWL.Class) in graph
    assert "sh:NodeShape" in client.get("/shapes").text
    # like entity documents, they name their other formats, each of which answers
    for path in ("/ontology", "/shapes"):
        answer = client.get(path, headers={"Accept": "text/turtle"})
        assert answer.headers["content-location"].endswith(f"{path}.ttl")
        others = re.findall(r"<([^>]+)>; rel=\"alternate\"", answer.headers["link"])
        assert any(o.endswith(f"{path}.jsonld") for o in others)
        assert all(client.get(o).status_code == 200 for o in others)


def test_void_lists_classes_endpoint_and_dumps(client: httpx.Client) -> None:
    first, second = client.get("/.well-known/void"), client.get("/.well-known/void")
    # one ETag, one body: the blank nodes are labelled the same way each time
    assert first.headers["etag"] == second.headers["etag"] and first.content == second.content
    graph = rdflib.Graph().parse(data=first.text, format="turtle")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    dataset = rdflib.URIRef(CANONICAL + "dataset")
    assert (dataset, void.sparqlEndpoint, rdflib.URIRef(f"{client.base_url}/sparql")) in graph
    urls = [str(u) for u in graph.objects(None, dcat.downloadURL)]
    assert len(urls) == 4
    nquads = next(u for u in urls if u.endswith(".nq.gz"))
    response = client.get(nquads)
    assert response.status_code == 200 and len(response.content) > 10_000
    again = client.get(nquads, headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    unknown = client.get("/dumps/icj-graph.nq.gz")
    assert unknown.status_code == 404
    assert nquads.rsplit("/", 1)[1] in unknown.text  # the 404 names the files there are
    sums = client.get("/dumps/SHA256SUMS")
    assert sums.headers["content-type"].startswith("text/plain")
    assert (
        f"{hashlib.sha256(response.content).hexdigest()}  {nquads.rsplit('/', 1)[1]}" in sums.text
    )
    issued = graph.value(dataset, rdflib.URIRef("http://purl.org/dc/terms/issued"))
    assert issued is not None and issued.datatype == rdflib.XSD.date
    assert sorted(str(u) for u in graph.objects(dataset, void.dataDump)) == sorted(urls)
    gzipped = [
        d
        for d in graph.subjects(dcat.downloadURL)
        if str(graph.value(d, dcat.downloadURL)).endswith(".gz")
    ]
    assert len(gzipped) == 2
    for dump in gzipped:  # DCAT: the data's own media type, and the compression apart
        assert str(graph.value(dump, dcat.compressFormat)) == "application/gzip"
        assert str(graph.value(dump, dcat.mediaType)).startswith("application/n-")


def test_the_dataset_iri_dereferences_to_its_description(client: httpx.Client) -> None:
    response = client.get("/dataset")
    assert response.status_code == 303
    assert response.headers["location"].endswith("/.well-known/void")


def test_a_named_graph_iri_gives_that_graphs_triples(client: httpx.Client) -> None:
    response = client.get("/graph/data/tribunals", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    tribunals = set(graph.subjects(rdflib.SKOS.notation, None))
    assert len(tribunals) == 7
    assert not list(graph.subjects(rdflib.RDF.type, ICJ.Charge))  # nothing of other files
    browser = client.get("/graph/data/tribunals", headers={"Accept": "text/html"})
    assert browser.headers["content-type"].startswith("text/plain") and "@prefix" in browser.text
    missing = client.get("/graph/data/no-such-file")
    assert missing.status_code == 404 and "graph/data/no-such-file" in missing.text


def test_the_ontology_version_iri_dereferences(client: httpx.Client) -> None:
    graph = rdflib.Graph().parse(
        data=client.get("/ontology", headers={"Accept": "text/turtle"}).text, format="turtle"
    )
    version = graph.value(rdflib.URIRef(CANONICAL + "ontology"), rdflib.OWL.versionIRI)
    assert version is not None
    response = client.get(str(version).replace(CANONICAL, "/"))
    assert response.status_code == 303 and response.headers["location"].endswith("/ontology")
    assert client.get("/ontology/0.0.1").status_code == 404


def test_a_crawler_reaches_cases_persons_and_charges_from_a_tribunal(server: str) -> None:
    """Follow links only, starting at the ICTY's IRI (w3id.org mapped to this server)."""
    wanted = {"tribunal", "case", "person", "charge"}
    seen: set[str] = set()
    queue = deque([CANONICAL + "id/tribunal/icty"])
    kinds: set[str] = set()
    with httpx.Client(follow_redirects=True, timeout=30) as http:
        while queue and len(seen) < 500 and not wanted <= kinds:
            iri = queue.popleft()
            if iri in seen:
                continue
            seen.add(iri)
            kinds.add(iri.split("/id/", 1)[1].split("/", 1)[0])
            response = http.get(
                iri.replace(CANONICAL, server + "/"), headers={"Accept": "text/turtle"}
            )
            assert response.status_code == 200, iri
            graph = rdflib.Graph().parse(data=response.text, format="turtle")
            for term in sorted({*graph.subjects(), *graph.objects()}):
                if isinstance(term, rdflib.URIRef) and str(term).startswith(CANONICAL + "id/"):
                    queue.append(str(term))
    assert wanted <= kinds


def test_the_context_is_cacheable_and_revalidates(client: httpx.Client) -> None:
    first = client.get("/context.jsonld")
    assert first.headers["cache-control"].startswith("public")
    again = client.get("/context.jsonld", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


def test_static_assets_are_cacheable_and_compressed(client: httpx.Client) -> None:
    path = "/static/vendor/yasgui-4.6.2/yasgui.min.js"
    plain = client.get(path, headers={"Accept-Encoding": "identity"})
    with client.stream("GET", path, headers={"Accept-Encoding": "gzip"}) as gzipped:
        wire = b"".join(gzipped.iter_raw())
    assert gzipped.headers["content-encoding"] == "gzip"
    assert gzip.decompress(wire) == plain.content
    assert len(wire) < len(plain.content) / 2
    assert "max-age" in gzipped.headers["cache-control"]


def test_documents_link_to_their_other_formats(client: httpx.Client) -> None:
    turtle = client.get("/doc/person/ratko-mladic.ttl")
    links = turtle.headers["link"]
    for extension, media_type in (("html", "text/html"), ("jsonld", "application/ld+json")):
        assert (
            f'/doc/person/ratko-mladic.{extension}>; rel="alternate"; type="{media_type}"' in links
        )
    assert ".ttl>" not in links  # not itself
    page = client.get("/doc/person/ratko-mladic.html").text
    assert '<link rel="alternate" type="text/turtle" href="' in page
    assert '/doc/person/ratko-mladic.ttl">' in page


def test_the_function_namespace_describes_fold(client: httpx.Client) -> None:
    response = client.get("/function", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    fold = rdflib.URIRef(CANONICAL + "function#fold")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert (fold, rdflib.RDF.type, sd.Function) in graph
    assert "mladic" in str(graph.value(fold, rdflib.RDFS.comment))


@pytest.mark.parametrize(
    ("path", "accept", "rdflib_format"),
    [
        ("/shapes", "text/turtle", "turtle"),
        ("/shapes", "application/ld+json", "json-ld"),
        ("/shapes.nt", "*/*", "nt"),
        ("/shapes.rdf", "*/*", "xml"),
    ],
)
def test_the_shapes_come_in_every_rdf_format(
    client: httpx.Client, path: str, accept: str, rdflib_format: str
) -> None:
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code == 200, response.text
    graph = rdflib.Graph().parse(data=response.text, format=rdflib_format)
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    assert len(set(graph.subjects(rdflib.RDF.type, sh.NodeShape))) > 20
    assert client.get("/shapes", headers={"Accept": "image/png"}).status_code == 406
    assert client.get("/shapes.html").status_code == 404

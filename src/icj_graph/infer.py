"""Materialise what the ontology implies: subclass, subproperty and inverse entailments."""

from __future__ import annotations

from pyoxigraph import NamedNode, Quad, QueryTriples, Store, Triple

from icj_graph.load import graph_iri

INFERRED_GRAPH = NamedNode(graph_iri("inferred"))

#: Each rule yields triples the asserted and inferred graphs entail but do not yet hold.
RULES = (
    # rdfs9: the instance of a class is an instance of its superclasses.
    """CONSTRUCT { ?x a ?super } WHERE {
         ?x a ?class . ?class <http://www.w3.org/2000/01/rdf-schema#subClassOf>+ ?super .
         FILTER(isIRI(?super)) FILTER NOT EXISTS { ?x a ?super } }""",
    # rdfs7: a statement with a property holds with its superproperties.
    """CONSTRUCT { ?s ?super ?o } WHERE {
         ?p <http://www.w3.org/2000/01/rdf-schema#subPropertyOf>+ ?super .
         ?s ?p ?o . FILTER(isIRI(?super)) FILTER NOT EXISTS { ?s ?super ?o } }""",
    # owl:inverseOf, both directions.
    """CONSTRUCT { ?o ?inverse ?s } WHERE {
         { ?p <http://www.w3.org/2002/07/owl#inverseOf> ?inverse }
         UNION { ?inverse <http://www.w3.org/2002/07/owl#inverseOf> ?p }
         ?s ?p ?o . FILTER(!isLiteral(?o)) FILTER NOT EXISTS { ?o ?inverse ?s } }""",
)
MAX_ROUNDS = 10


def infer(store: Store) -> list[Quad]:
    """Add the entailments of `store` to the inferred graph until nothing new follows.

    >>> from pyoxigraph import Literal
    >>> s = Store()
    >>> rdfs, ex = "http://www.w3.org/2000/01/rdf-schema#", "http://example.org/"
    >>> s.add(Quad(NamedNode(ex + "A"), NamedNode(rdfs + "subClassOf"), NamedNode(ex + "B")))
    >>> a = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    >>> s.add(Quad(NamedNode(ex + "x"), a, NamedNode(ex + "A")))
    >>> [q.object.value for q in infer(s)]
    ['http://example.org/B']
    """
    added: list[Quad] = []
    for _ in range(MAX_ROUNDS):
        new = {t for rule in RULES for t in _construct(store, rule)}
        if not new:
            return added
        quads = [Quad(t.subject, t.predicate, t.object, INFERRED_GRAPH) for t in new]
        store.extend(quads)
        added.extend(quads)
    return added


def _construct(store: Store, query: str) -> list[Triple]:
    result = store.query(query, use_default_graph_as_union=True)
    assert isinstance(result, QueryTriples)
    return list(result)

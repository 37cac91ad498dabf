"""Entity IRIs: ``https://w3id.org/icj-graph/id/<type>/<slug>``, and their served twins.

IRIs are a public contract: minted once, never renamed. The server may answer on another host
(``http://127.0.0.1:8000/id/person/ratko-mladic``); ``to_canonical`` and ``to_served`` map one
onto the other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from icj_graph.errors import BadRequest

CANONICAL_BASE = "https://w3id.org/icj-graph/"
ID_BASE = CANONICAL_BASE + "id/"
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class InvalidSlug(BadRequest):
    """A type or slug does not follow the slug rules."""


@dataclass(frozen=True)
class EntityRef:
    """The parts of an entity IRI."""

    kind: str
    slug: str

    @property
    def iri(self) -> str:
        """The canonical IRI."""
        return mint_iri(self.kind, self.slug)


def mint_iri(kind: str, slug: str, *, base: str = CANONICAL_BASE) -> str:
    """Return the IRI of the `kind` entity named `slug`; raise InvalidSlug on a bad slug.

    >>> mint_iri("person", "ratko-mladic")
    'https://w3id.org/icj-graph/id/person/ratko-mladic'
    >>> mint_iri("person", "Ratko Mladić")
    Traceback (most recent call last):
    ...
    icj_graph.iris.InvalidSlug: 'Ratko Mladić' is not a slug: ...
    """
    for part in (kind, slug):
        if not SLUG.match(part):
            raise InvalidSlug(
                f"{part!r} is not a slug: use lower-case ASCII letters, digits and single hyphens."
            )
    return f"{base}id/{kind}/{slug}"


def parse_iri(iri: str, *, base: str = CANONICAL_BASE) -> EntityRef | None:
    """Split an entity IRI under `base` into kind and slug; None if it is not one.

    >>> parse_iri("https://w3id.org/icj-graph/id/case/it-09-92")
    EntityRef(kind='case', slug='it-09-92')
    >>> parse_iri("https://example.org/x") is None
    True
    """
    if not iri.startswith(base + "id/"):
        return None
    parts = iri[len(base) + 3 :].split("/")
    if len(parts) != 2 or not all(SLUG.match(p) for p in parts):
        return None
    return EntityRef(parts[0], parts[1])


def to_canonical(iri: str, served_base: str) -> str:
    """Map an IRI on the served base to the canonical base (others unchanged).

    >>> to_canonical("http://127.0.0.1:8000/id/state/uga", "http://127.0.0.1:8000/")
    'https://w3id.org/icj-graph/id/state/uga'
    """
    if served_base != CANONICAL_BASE and iri.startswith(served_base):
        return CANONICAL_BASE + iri[len(served_base) :]
    return iri


def to_served(iri: str, served_base: str) -> str:
    """Map a canonical IRI to the served base, so links stay on this host.

    >>> to_served("https://w3id.org/icj-graph/id/state/uga", "http://127.0.0.1:8000/")
    'http://127.0.0.1:8000/id/state/uga'
    """
    if iri.startswith(CANONICAL_BASE):
        return served_base + iri[len(CANONICAL_BASE) :]
    return iri

"""Synthetic icj-graph source data shaped like the real data, at any scale.

``python bench/synth.py --triples 1000000 --out DIR`` writes a source folder that
``icj-graph build --source DIR`` accepts: ``ontology/`` and ``shapes/`` copied from the
repository, ``data/`` holding the real data plus generated files ``data/synth-NNN.ttl``.

The generated entities reuse the real reference data (tribunals, instruments, provisions, crime
concepts, outcomes, modes of liability, States, ICC situations) and mint the same IRI patterns
as the curated files: cases with one to three accused persons (names with diacritics, an ASCII
alias), one prosecution per accused, charges count by count (crime, the provision of the
tribunal's applicable law that defines it, modes of liability, outcome, deciding judgment),
arrest warrants, arrests and transfers, trial and appeal judgments and sentences. Every entity
carries ``dcterms:source``, so the data passes the repository's SHACL shapes.
"""

from __future__ import annotations

import argparse
import random
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from pyoxigraph import QuerySolutions, RdfFormat, Store

from icj_graph.search import fold

REPO = Path(__file__).resolve().parent.parent
ID = "https://w3id.org/icj-graph/id/"
NS = "https://w3id.org/icj-graph/ontology#"
#: Triples the build adds per generated triple (inferred types and inverses), measured.
INFERRED_RATIO = 0.2
TRIPLES_PER_FILE = 100_000
PREFIXES = """\
PREFIX icj: <https://w3id.org/icj-graph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
PREFIX id: <https://w3id.org/icj-graph/id/>

"""
GIVEN = (
    "Ratko Radovan Slobodan Dušan Željko Šefik Đorđe Ljubiša Milan Zdravko Vujadin Goran "
    "Jean-Pierre Théoneste Agnès Félicien Grégoire Édouard Ferdinand Callixte Jérôme Aloys "
    "Dominic Bosco Germain Thomas Mathieu Ahmad Saïf Abdallah Hissène Laurent Charles Blé "
    "Kaing Nuon Khieu Ieng Hermann Joachim Wilhelm Józef Łukasz Søren Björn Hideki Kōki Iwane "
    "Seishirō Shigenori Mamoru Mahamat Alfred Patrice-Édouard Ali Muhammad Yekatom Maxime"
).split()
FAMILY = (
    "Mladić Karadžić Milošević Šešelj Tadić Krstić Gotovina Čermak Markač Lukić Đorđević "
    "Stanišić Župljanin Prlić Praljak Ćorić Petković Pušić Delalić Mucić Landžo Kovač Vuković "
    "Bagosora Nahimana Ngeze Barayagwiza Kabuga Nyiramasuhuko Ndayambaje Kambanda Akayesu "
    "Ntaganda Lubanga Ongwen Katanga Ngudjolo Bemba Gbagbo Blé Goudé Al Mahdi Al Hassan "
    "Ngaïssona Yekatom Kenyatta Ruto Sang Abd-Al-Rahman Göring Heß Ribbentrop Keitel Kaltenbrunner "
    "Rosenberg Frank Frick Streicher Funk Schacht Dönitz Raeder Schirach Sauckel Jodl Papen "
    "Tōjō Hirota Itagaki Kimura Matsui Mutō Doihara Araki Hashimoto Hata Hiranuma Hoshino Kido "
    "Kaing Nuon Khieu Ieng Sary Thirith Ntabakuze Nsengiyumva Kabiligi Ndindiliyimana Nzuwonemeye"
).split()
#: Outcomes of a charge with their weights; convicted and acquitted ones name a judgment.
OUTCOMES = {
    "convicted": 55,
    "acquitted": 14,
    "withdrawn": 8,
    "pending": 10,
    "terminated-death": 5,
    "dismissed": 3,
    "not-confirmed": 2,
    "vacated": 1,
    "terminated-unfit": 1,
    "referred-national": 1,
}
DECIDED = {"convicted", "acquitted"}
SOURCES = (
    "https://www.example.org/court-records/",
    "https://archive.example.net/judgments/",
    "http://news.example.com/trials/",
)
_REFERENCE = """
PREFIX icj: <https://w3id.org/icj-graph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?tribunal ?notation ?founded ?provision ?crime WHERE {
  ?tribunal skos:notation ?notation ; icj:foundingDate ?founded ;
      icj:applicableLaw ?instrument .
  ?provision icj:instrument ?instrument ; icj:defines ?crime .
} ORDER BY ?tribunal ?provision ?crime
"""


@dataclass(frozen=True)
class Tribunal:
    """A real tribunal, its founding date and the (provision, crime) pairs its law defines."""

    iri: str
    notation: str
    founded: date
    provisions: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Reference:
    """The real entities the synthetic data points to."""

    tribunals: tuple[Tribunal, ...]
    modes: tuple[str, ...]
    states: tuple[str, ...]
    situations: tuple[str, ...]


class Block:
    """One entity in Turtle: its IRI and (predicate, object) pairs, counted as triples."""

    def __init__(self, iri: str, kind: str, label: str) -> None:
        self.iri = iri
        self.pairs: list[tuple[str, str]] = [("a", kind), ("rdfs:label", _lit(label) + "@en")]

    def add(self, *statements: str) -> Block:
        """Add statements given as predicate, object, predicate, object...; return self."""
        assert len(statements) % 2 == 0, statements
        self.pairs.extend(zip(statements[::2], statements[1::2], strict=True))
        return self

    def many(self, predicate: str, objects: Iterable[str]) -> Block:
        """Add one statement per object; return self."""
        self.pairs.extend((predicate, o) for o in objects)
        return self

    def turtle(self) -> str:
        """The block as Turtle."""
        body = " ;\n".join(f"    {p} {o}" for p, o in self.pairs)
        return f"<{self.iri}>\n{body} .\n"


def read_reference(repo: Path) -> Reference:
    """Query the real data for the tribunals, provisions, vocabularies and States to reuse."""
    store = Store()
    for path in sorted((repo / "ontology").glob("*.ttl")) + sorted((repo / "data").glob("*.ttl")):
        store.load(path=path, format=RdfFormat.TURTLE)
    rows = _select(store, _REFERENCE)
    by_tribunal: dict[str, list[tuple[str, str]]] = {}
    meta: dict[str, tuple[str, date]] = {}
    for row in rows:
        iri = row["tribunal"]
        by_tribunal.setdefault(iri, []).append((row["provision"], row["crime"]))
        meta[iri] = (row["notation"], date.fromisoformat(row["founded"]))
    tribunals = tuple(
        Tribunal(iri, meta[iri][0], meta[iri][1], tuple(dict.fromkeys(pairs)))
        for iri, pairs in by_tribunal.items()
    )

    def members(cls: str) -> tuple[str, ...]:
        query = f"SELECT ?x WHERE {{ ?x a <{NS}{cls}> }} ORDER BY ?x"
        return tuple(row["x"] for row in _select(store, query))

    return Reference(tribunals, members("ModeOfLiability"), members("State"), members("Situation"))


def _select(store: Store, query: str) -> list[dict[str, str]]:
    rows = store.query(query)
    assert isinstance(rows, QuerySolutions)
    names = [v.value for v in rows.variables]
    return [{n: row[n].value for n in names} for row in rows]


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _date(day: date) -> str:
    return f'"{day.isoformat()}"^^xsd:date'


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() and c.isascii() else " " for c in fold(text)).split())


class Generator:
    """Mints synthetic cases, one at a time, with a seeded random source."""

    def __init__(self, ref: Reference, seed: int) -> None:
        self.ref = ref
        self.rng = random.Random(seed)
        self.persons = 0

    def sources(self, slug: str) -> list[str]:
        """One to three source URLs for an entity."""
        return [f"<{base}{slug}>" for base in self.rng.sample(SOURCES, self.rng.randint(1, 3))]

    def person(self) -> tuple[str, str, Block]:
        """A new person: IRI, name (with diacritics) and their block."""
        self.persons += 1
        name = f"{self.rng.choice(GIVEN)} {self.rng.choice(FAMILY)}"
        iri = f"{ID}person/{_slug(name)}-{self.persons}"
        block = Block(iri, "icj:Person", name)
        ascii_name = " ".join(w.capitalize() for w in fold(name).split())
        if ascii_name != name:
            block.add("skos:altLabel", _lit(ascii_name) + "@en")
        if self.rng.random() < 0.7:
            block.add("schema:birthDate", _date(date(1900, 1, 1) + self._days(0, 30000)))
        if self.rng.random() < 0.1:
            block.add("schema:deathDate", _date(date(2000, 1, 1) + self._days(0, 9000)))
        if self.rng.random() < 0.8:
            block.add("schema:nationality", f"<{self.rng.choice(self.ref.states)}>")
        return iri, name, block.many("dcterms:source", self.sources(_slug(name)))

    def _days(self, low: int, high: int) -> timedelta:
        return timedelta(days=self.rng.randint(low, high))

    def case(self, number: int) -> Iterator[Block]:
        """Every entity of one synthetic case."""
        rng = self.rng
        tribunal = rng.choice(self.ref.tribunals)
        case_number = f"{tribunal.notation}-SYN-{number:06d}"
        slug = _slug(case_number)
        case_iri = f"{ID}case/{slug}"
        people = [self.person() for _ in range(rng.choices((1, 2, 3), (70, 20, 10))[0])]
        case = Block(case_iri, "icj:Case", "Prosecutor v. " + ", ".join(n for _, n, _ in people))
        case.add("icj:caseNumber", _lit(case_number), "icj:tribunal", f"<{tribunal.iri}>")
        case.many("icj:accused", (f"<{iri}>" for iri, _, _ in people))
        if tribunal.notation == "ICC" and self.ref.situations:
            case.add("icj:situation", f"<{rng.choice(self.ref.situations)}>")
        yield case.many("dcterms:source", self.sources(slug))
        warranted = tribunal.founded + self._days(30, 2000)
        trial_day = warranted + self._days(400, 3000)
        appeal_day = trial_day + self._days(200, 900) if rng.random() < 0.6 else None
        trial = self.judgment(case_iri, slug, "trial", trial_day, people)
        yield trial
        final = trial
        if appeal_day:
            final = self.judgment(case_iri, slug, "appeal", appeal_day, people)
            yield final
        for person_iri, name, block in people:
            yield block
            yield from self.prosecution(tribunal, case_iri, slug, person_iri, name, final.iri)
            yield from self.custody(tribunal, case_iri, slug, person_iri, name, warranted)
            yield from self.sentences(
                case_iri, slug, person_iri, name, trial, final if appeal_day else None
            )

    def judgment(
        self, case_iri: str, slug: str, stage: str, day: date, people: list[tuple[str, str, Block]]
    ) -> Block:
        """A trial or appeal judgment of the case."""
        kind = "icj:TrialJudgment" if stage == "trial" else "icj:AppealJudgment"
        block = Block(f"{ID}judgment/{slug}-{stage}", kind, f"{slug.upper()} {stage} judgment")
        block.add("icj:case", f"<{case_iri}>", "icj:date", _date(day))
        block.many("icj:accused", (f"<{iri}>" for iri, _, _ in people))
        return block.many("dcterms:source", self.sources(f"{slug}-{stage}"))

    def prosecution(
        self, tribunal: Tribunal, case_iri: str, slug: str, person: str, name: str, decided: str
    ) -> Iterator[Block]:
        """The person's prosecution in the case and their charges, count by count."""
        rng = self.rng
        pslug = person.rsplit("/", 1)[1]
        outcomes = []
        for count in range(1, rng.randint(2, 12) + 1):
            provision, crime = rng.choice(tribunal.provisions)
            outcome = rng.choices(list(OUTCOMES), list(OUTCOMES.values()))[0]
            outcomes.append(outcome)
            charge = Block(
                f"{ID}charge/{slug}-{pslug}-count-{count}", "icj:Charge", f"{name}, count {count}"
            )
            charge.add("icj:case", f"<{case_iri}>", "icj:accused", f"<{person}>")
            charge.add("icj:countNumber", _lit(str(count)), "icj:crime", f"<{crime}>")
            charge.add("icj:legalBasis", f"<{provision}>")
            modes = rng.sample(self.ref.modes, rng.randint(1, 3))
            charge.many("icj:modeOfLiability", (f"<{m}>" for m in modes))
            charge.add("icj:outcome", f"<{ID}outcome/{outcome}>")
            if outcome in DECIDED:
                charge.add("icj:decidedIn", f"<{decided}>")
            yield charge.many("dcterms:source", self.sources(f"{slug}-count-{count}"))
        overall = next((o for o in ("convicted", "acquitted") if o in outcomes), outcomes[0])
        iri = f"{ID}prosecution/{slug}-{pslug}"
        block = Block(iri, "icj:Prosecution", f"Prosecution of {name}")
        block.add("icj:case", f"<{case_iri}>", "icj:accused", f"<{person}>")
        block.add("icj:outcome", f"<{ID}outcome/{overall}>")
        if overall in DECIDED:
            block.add("icj:decidedIn", f"<{decided}>")
        yield block.many("dcterms:source", self.sources(f"{slug}-{pslug}"))

    def custody(
        self, tribunal: Tribunal, case_iri: str, slug: str, person: str, name: str, day: date
    ) -> Iterator[Block]:
        """An arrest warrant for the person and, mostly, their arrest and transfer."""
        if self.rng.random() > 0.85:
            return
        pslug = person.rsplit("/", 1)[1]
        warrant = Block(
            f"{ID}arrest-warrant/{slug}-{pslug}", "icj:ArrestWarrant", f"Arrest warrant for {name}"
        )
        warrant.add("icj:subject", f"<{person}>", "icj:tribunal", f"<{tribunal.iri}>")
        warrant.add("icj:case", f"<{case_iri}>", "icj:date", _date(day))
        yield warrant.many("dcterms:source", self.sources(f"{slug}-warrant"))
        if self.rng.random() > 0.7:
            return
        state = f"<{self.rng.choice(self.ref.states)}>"
        for kind in ("Arrest", "Transfer"):
            day += self._days(1, 400)
            event_iri = f"{ID}custody-event/{pslug}-{kind.lower()}"
            event = Block(event_iri, f"icj:{kind}", f"{kind} of {name}")
            event.add("icj:person", f"<{person}>", "icj:date", _date(day), "icj:state", state)
            event.add("icj:warrant", f"<{warrant.iri}>")
            yield event.many("dcterms:source", self.sources(f"{pslug}-{kind.lower()}"))

    def sentences(
        self, case_iri: str, slug: str, person: str, name: str, trial: Block, appeal: Block | None
    ) -> Iterator[Block]:
        """A sentence at trial for most persons, and sometimes a different one on appeal."""
        if self.rng.random() > 0.6:
            return
        pslug = person.rsplit("/", 1)[1]
        stages = [("trial", trial)]
        if appeal and self.rng.random() < 0.3:
            stages.append(("appeal", appeal))
        for stage, judgment in stages:
            kind = self.rng.choices(("imprisonment", "life-imprisonment", "death"), (85, 12, 3))[0]
            block = Block(f"{ID}sentence/{slug}-{pslug}-{stage}", "icj:Sentence", f"{name}: {kind}")
            block.add("icj:accused", f"<{person}>", "icj:case", f"<{case_iri}>")
            block.add("icj:imposedIn", f"<{judgment.iri}>")
            block.add("icj:sentenceKind", f"<{ID}sentence-kind/{kind}>")
            if kind == "imprisonment":
                block.add("icj:termYears", f'"{self.rng.randint(2, 45)}"^^xsd:decimal')
            yield block.many("dcterms:source", self.sources(f"{slug}-{pslug}-sentence"))


def generate(out: Path, triples: int, *, repo: Path = REPO, seed: int = 7) -> int:
    """Write a source folder at `out` aiming at `triples` once built; return the triples written."""
    if out.exists():
        shutil.rmtree(out)
    for folder in ("ontology", "shapes", "data"):
        shutil.copytree(repo / folder, out / folder)
    target = int(triples / (1 + INFERRED_RATIO))
    generator = Generator(read_reference(repo), seed)
    written = file_triples = files = 0
    handle = None
    number = 0
    while written < target:
        if handle is None or file_triples >= TRIPLES_PER_FILE:
            if handle:
                handle.close()
            files += 1
            handle = (out / "data" / f"synth-{files:03d}.ttl").open("w", encoding="utf-8")
            handle.write(PREFIXES)
            file_triples = 0
        number += 1
        for block in generator.case(number):
            handle.write(block.turtle() + "\n")
            file_triples += len(block.pairs)
            written += len(block.pairs)
    if handle:
        handle.close()
    return written


def main() -> None:
    """Command line: write a synthetic source folder."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--triples", type=int, default=1_000_000, help="aimed store size")
    parser.add_argument("--out", type=Path, required=True, help="source folder to (re)write")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    written = generate(args.out, args.triples, seed=args.seed)
    print(f"wrote {written} synthetic triples under {args.out / 'data'}")  # noqa: T201


if __name__ == "__main__":
    main()

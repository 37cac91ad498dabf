"""Benchmark icj-graph against its peers on the real and synthetic data; write bench/RESULTS.md.

``python bench/run.py [--quick] [--large] [--no-virtuoso]``

For each dataset (the repository's data; synthetic data from ``bench/synth.py``), built with
``icj-graph build`` into a temporary folder, it starts side by side: icj-graph, Oxigraph's own
server (read-only, on the build's RocksDB store), rdflib-endpoint (small data only) and, when
installed, Virtuoso; it times every query sequentially on each, and on pyoxigraph in process,
then the throughput of a mixed workload at concurrency 8. Last, ``bench/load.py`` loads
icj-graph with mixed traffic. Only 127.0.0.1 is contacted; every loop is bounded.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from pyoxigraph import Store

from icj_graph.settings import Settings

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

import measure  # noqa: E402
import report  # noqa: E402
import servers  # noqa: E402
import synth  # noqa: E402
import workers  # noqa: E402
from load import run_load  # noqa: E402
from queries import Query, query_set  # noqa: E402

#: Largest dataset rdflib-endpoint is run on: it parses and queries in pure Python.
RDFLIB_MAX_TRIPLES = 60_000
RESULTS_JSON = BENCH / "out" / "results.json"
LOAD_AT_START: list[float] = []
_STEP = re.compile(r"^(\w+): ([\d.]+) s$")


def build_store(source: Path, store: Path) -> dict[str, Any]:
    """Run ``icj-graph build``; return its steps' seconds, triples and the store's sizes."""
    start = time.perf_counter()
    done = subprocess.run(
        ["icj-graph", "build", "--source", str(source), "--store", str(store)],
        capture_output=True,
        text=True,
        check=True,
        timeout=7200,
    )
    total = time.perf_counter() - start
    steps = {m[1]: float(m[2]) for line in done.stderr.splitlines() if (m := _STEP.match(line))}
    build = store.resolve()
    info = json.loads((build / "build.json").read_text())
    return {
        "path": str(build),
        "triples": info["triples"],
        "steps": steps,
        "total_s": round(total, 1),
        "store_mb": _mb(build),
        "rocksdb_mb": _mb(build / "oxigraph"),
        "nq_mb": _mb(build / "dataset.nq"),
        "dumps_mb": _mb(build / "dumps"),
    }


def _mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return round(sum(p.stat().st_size for p in files) / 2**20, 1)


def _timing_summary(timing: measure.Timing) -> dict[str, Any]:
    if not timing.ok:
        return {"error": timing.error or "no answer"}
    return {
        "p50": round(timing.percentile(50), 2),
        "p95": round(timing.percentile(95), 2),
        "runs": len(timing.samples_ms),
        "results": timing.results,
    }


def starters(
    build: dict[str, Any], store: Path, work: Path, *, virtuoso: bool
) -> list[Callable[[], servers.Server | None]]:
    """How to start each server that applies to this dataset: icj-graph first, then icj-graph
    with its result cache off (every query evaluated: the fair comparison), then the peers."""
    path = Path(build["path"])
    logs = work / "logs"
    logs.mkdir(exist_ok=True)
    found: list[Callable[[], servers.Server | None]] = [
        lambda: servers.start_icj(store, logs, workers=os.cpu_count() or 1),
        lambda: servers.start_icj(store, logs, workers=os.cpu_count() or 1, cache=False),
        lambda: servers.start_oxigraph(path, logs),
    ]
    if build["triples"] <= RDFLIB_MAX_TRIPLES:
        found.append(lambda: servers.start_rdflib(path, logs))
    if virtuoso:
        found.append(lambda: servers.start_virtuoso(path, logs, work))
    return found


def bench_dataset(
    name: str,
    build: dict[str, Any],
    store: Path,
    work: Path,
    plan: measure.Plan,
    *,
    virtuoso: bool,
    load_s: float | None,
    load_concurrency: int,
) -> dict[str, Any]:
    """Every measurement on one built dataset; the load test too when `load_s` is set.

    Servers run one at a time (started, measured, stopped), so that a query one of them goes
    on evaluating after its client gave up cannot slow the others; in-process runs come last.
    The throughput workload is the queries icj-graph answered, the same for every server.
    """
    queries = query_set()
    results: dict[str, dict[str, Any]] = {}
    timings: dict[str, dict[str, measure.Timing]] = {}
    workload: list[Query] = []
    load = None
    for index, start in enumerate(starters(build, store, work, virtuoso=virtuoso)):
        try:
            server = start()
        except Exception as err:
            if index < 3:  # icj-graph (cached and not) and Oxigraph are the point
                raise
            _say(f"{name}: a peer was not run: {err}")
            continue
        if server is None:
            continue
        try:
            _say(f"{name}: latency and throughput on {server.name}")
            timings[server.name] = measure.latency_http(server.endpoint, queries, plan)
            workload = workload or [q for q in queries if timings[server.name][q.name].ok]
            answered = measure.throughput(server.endpoint, workload, plan)
            results[server.name] = {
                "startup_s": server.startup_s,
                "notes": server.notes,
                "rss_mb": server.rss_mb(),
                "throughput": {**asdict(answered), "per_s": answered.per_s},
            }
            if index == 0:
                results[server.name]["notes"].append(
                    f"{os.cpu_count()} query workers; memory after the latency and throughput runs"
                )
                if load_s:
                    _say(f"{name}: load test, {load_s:.0f} s at concurrency {load_concurrency}")
                    summary = run_load(server.base, load_s, load_concurrency, server.process.pid)
                    load = {"dataset": name, "summary": summary}
        finally:
            server.stop()
    build_dir = Path(build["path"])
    for label, opener, twin in (
        ("pyoxigraph in-process (memory)", measure.open_memory_store, "icj-graph"),
        (
            "pyoxigraph in-process (RocksDB)",
            lambda b: Store.read_only(str(b / "oxigraph")),
            "oxigraph",
        ),
    ):
        _say(f"{name}: latency on {label}")
        began = time.perf_counter()
        engine = opener(build_dir)
        results[label] = {
            "startup_s": round(time.perf_counter() - began, 2),
            "notes": ["load or open time; no HTTP"],
        }
        skip = {
            query: f"skipped: {twin} failed it ({timing.error})"
            for query, timing in timings[twin].items()
            if not timing.ok
        }
        timings[label] = measure.latency_store(engine, queries, plan, skip)
        del engine
    _say(f"{name}: query workers: start-up, replacement, memory")
    in_memory = Settings().serve_from_memory(build["triples"])
    worker_figures = workers.measure_workers(build_dir, in_memory=in_memory)
    common = [q for q in queries if all(t[q.name].ok for t in timings.values())]
    for label, per_query in timings.items():
        results[label]["latency"] = {q: _timing_summary(t) for q, t in per_query.items()}
        results[label]["geomean_ms"] = round(
            measure.geomean([per_query[q.name].percentile(50) for q in common]), 2
        )
    return {
        "name": name,
        "build": build,
        "servers": results,
        "queries": [q.name for q in queries],
        "common": [q.name for q in common],
        "excluded": [q.name for q in queries if q not in common],
        "workload": [q.name for q in workload],
        "plan_runs": plan.runs,
        "concurrency": plan.concurrency,
        "throughput_s": plan.throughput_s,
        "load": load,
        "workers": worker_figures,
    }


def findings(datasets: list[dict[str, Any]]) -> list[str]:
    """One line per dataset and icj-graph variant with the ratios the brief asks for."""
    lines = []
    for data in datasets:
        s = data["servers"]
        for ours in ("icj-graph", "icj-graph (cache off)"):
            if ours not in s:
                continue
            parts = []
            for peer in ("oxigraph", "rdflib-endpoint", "virtuoso"):
                found = report.pairwise(data, ours, peer)
                if found:
                    rate = _div(s[ours]["throughput"]["per_s"], s[peer]["throughput"]["per_s"])
                    parts.append(
                        f"vs {peer}: p50 {found[0]:.2f}× (geomean over {found[1]} queries), "
                        f"throughput {rate}"
                    )
            lines.append(
                f"**{data['name']}** ({data['build']['triples']:,} triples), {ours}: "
                + "; ".join(parts)
                + f"; start-up {s[ours]['startup_s']} s; memory {_rss(s[ours]['rss_mb'])}."
            )
        ours = "icj-graph (cache off)" if "icj-graph (cache off)" in s else "icj-graph"
        over = report.overhead(data, ours)
        if over:
            lines.append(
                f"**{data['name']}**: {ours} minus {over['twin']} (the storage its workers "
                f"used), p50 per query: median {over['median_ms']:.1f} ms."
            )
            lines.append(_against_engine(data, ours))
    return lines


def _against_engine(data: dict[str, Any], ours: str, bound: float = 3.0) -> str:
    """Which examples answer over HTTP within `bound` times their in-process p50 (on the same
    storage), and why not."""
    twin = report.engine_twin(data)
    latency = data["servers"][ours]["latency"]
    engine = data["servers"][twin]["latency"]
    peer = data["servers"].get("oxigraph", {}).get("latency", {})
    examples = [q for q in data["common"] if not q.startswith("x-")]
    over = [q for q in examples if latency[q]["p50"] > bound * engine[q]["p50"]]
    slow = [q for q in over if engine[q]["p50"] >= 1.0]
    peer_over = [q for q in over if q in peer and peer[q]["p50"] > bound * engine[q]["p50"]]
    return (
        f"**{data['name']}**: {ours} answers {len(examples) - len(over)} of {len(examples)} "
        f"examples within {bound:g}× their p50 on {twin}; over it: {len(over)}, "
        f"{len(over) - len(slow)} of them under 1 ms in process (the HTTP floor; "
        f"oxigraph's own server is over {bound:g}× on {len(peer_over)} of them)"
        + (f"; slower ones: {', '.join(slow)}." if slow else "; none of 1 ms or more.")
    )


def _rss(rss: dict[str, float]) -> str:
    workers = [v for k, v in rss.items() if k.startswith("worker")]
    unique = " (unique)" if any(k.startswith("holder") for k in rss) else ""  # forked workers
    per_worker = f", {statistics.fmean(workers):.0f} MB per worker{unique}" if workers else ""
    return f"{sum(rss.values()):.0f} MB in all{per_worker}"


def _div(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f}×" if theirs else "–"


def _say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)  # noqa: T201


def main() -> None:
    """Command line: run the benchmark and write bench/RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="100k synthetic triples, short runs")
    parser.add_argument("--large", action="store_true", help="add a synthetic ~10M-triple dataset")
    parser.add_argument(
        "--no-virtuoso", action="store_true", help="skip Virtuoso even if installed"
    )
    parser.add_argument("--no-synthetic", action="store_true", help="measure the real data only")
    parser.add_argument("--no-real", action="store_true", help="measure synthetic data only")
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        help="synthetic dataset sizes in triples (instead of the mode's)",
    )
    parser.add_argument(
        "--merge", action="store_true", help="keep the other datasets of bench/out/results.json"
    )
    parser.add_argument(
        "--render-only", action="store_true", help="rewrite the report from bench/out/results.json"
    )
    parser.add_argument(
        "--note", action="append", default=[], help="with --render-only: add a note on this run"
    )
    parser.add_argument("--out", type=Path, default=BENCH / "RESULTS.md")
    args = parser.parse_args()
    if args.render_only:
        old = json.loads(RESULTS_JSON.read_text())
        LOAD_AT_START.extend(old.get("load_at_start", []))
        notes = old.get("run_notes", []) + args.note
        write_results(
            args.out,
            old["datasets"],
            old["plan"],
            old["mode"],
            machine=old["machine"],
            run_notes=notes,
        )
        return
    if args.quick:
        plan = measure.Plan(runs=5, warmups=1, budget_s=3.0, throughput_s=5.0)
        sizes, load_s = [100_000], 20.0
    else:
        plan = measure.Plan()
        sizes, load_s = [1_000_000] + ([10_000_000] if args.large else []), 60.0
    sizes = [] if args.no_synthetic else (args.sizes or sizes)
    mode = " ".join(sys.argv[1:]) or "default"
    LOAD_AT_START.extend(os.getloadavg())
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so servers get stopped
    datasets: list[dict[str, Any]] = []
    fresh: list[dict[str, Any]] = []  # measured in this run
    with tempfile.TemporaryDirectory(prefix="icj-bench-") as tmp:
        work = Path(tmp)
        plan_list: list[tuple[str, Path, int | None]] = (
            [] if args.no_real else [("real data", REPO, None)]
        )
        plan_list += [(f"synthetic {n // 1000:,}k", work / f"synth-{n}", n) for n in sizes]
        for index, (name, source, size) in enumerate(plan_list):
            generated = None
            if size:
                _say(f"{name}: generating")
                start = time.perf_counter()
                synth.generate(source, size)
                generated = round(time.perf_counter() - start, 1)
            _say(f"{name}: building")
            store = work / f"store-{index}" / "store"
            store.parent.mkdir()
            build = build_store(source, store)
            _say(f"{name}: {build['triples']} triples built in {build['total_s']} s")
            data = bench_dataset(
                name,
                build,
                store,
                work / f"store-{index}",
                plan,
                virtuoso=not args.no_virtuoso,
                load_s=load_s if size != 10_000_000 else None,
                load_concurrency=32,
            )
            data["generate_s"] = generated
            fresh.append(data)
            datasets = list(fresh)
            if args.merge:  # the datasets of an earlier run that this one did not measure
                kept = (
                    json.loads(RESULTS_JSON.read_text())["datasets"]
                    if RESULTS_JSON.exists()
                    else []
                )
                measured = {d["name"] for d in fresh}
                datasets = [d for d in kept if d["name"] not in measured] + fresh
                datasets.sort(key=lambda d: int(d["build"]["triples"]))
            # written after each dataset, in case a later one fails
            write_results(args.out, datasets, str(plan), mode)
    _say(f"wrote {args.out}")


def write_results(
    out: Path,
    datasets: list[dict[str, Any]],
    plan: str,
    mode: str,
    *,
    machine: dict[str, str] | None = None,
    run_notes: list[str] | None = None,
) -> None:
    """Write bench/out/results.json and the Markdown report for the datasets measured so far."""
    notes = []
    if not any("virtuoso" in d["servers"] for d in datasets):
        notes.append(
            "Virtuoso was not run (not installed, `--no-virtuoso`, or it failed to start)."
        )
    notes.append(
        f"rdflib-endpoint runs only on datasets up to {RDFLIB_MAX_TRIPLES:,} triples (the real "
        "data): it parses N-Quads and evaluates SPARQL in pure Python; at 100k triples and more "
        "its load and its joins take minutes (see shared/DEPENDENCY-NOTES.md)."
    )
    notes.append(
        "Oxigraph serves its on-disk RocksDB store (`--union-default-graph`); icj-graph's workers "
        "hold an in-memory copy (its default). Both in-process variants show the engine's limit."
    )
    notes.append(
        "Latency: each (server, query) gets warm-ups, then up to the planned runs within a time "
        "budget per query (at least 3 runs, or 1 for a query slower than a third of the budget); "
        "`n=` marks fewer runs. A request that takes over 30 s is abandoned (the error column). "
        "Results are counted on the last warm-up (rows, or N-Triples lines) so that answers can "
        "be compared across servers (DESCRIBE is implementation-defined)."
    )
    load = " / ".join(f"{x:.2f}" for x in LOAD_AT_START)
    notes.append(
        f"The machine's load average (1/5/15 min) was {load} at the start of the run, on "
        f"{os.cpu_count()} cores: other work on the machine adds noise to every number; "
        "compare servers within one run, where they share the conditions."
    )
    notes.append(
        "pyoxigraph cannot cancel a query, so in process a query that the same engine's server "
        "could not answer within 30 s is skipped, not run unbounded."
    )
    results = {
        "machine": machine or report.machine(),
        "mode": mode,
        "plan": plan,
        "load_at_start": LOAD_AT_START,
        "findings": findings(datasets),
        "datasets": datasets,
        "loads": [d["load"] for d in datasets if d.get("load")],
        "notes": notes,
        "run_notes": run_notes or [],
    }
    RESULTS_JSON.parent.mkdir(exist_ok=True)
    RESULTS_JSON.write_text(json.dumps(results, indent=2, default=str))
    out.write_text(report.render(results), encoding="utf-8")


if __name__ == "__main__":
    main()

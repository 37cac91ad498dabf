"""The machine a run measured on, and RESULTS.md written from a run's results."""

from __future__ import annotations

import math
import os
import platform
import statistics
import subprocess
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import psutil

from icj_graph.settings import Settings

PACKAGES = (
    "icj-graph",
    "pyoxigraph",
    "oxigraph",
    "rdflib",
    "rdflib-endpoint",
    "pyshacl",
    "fastapi",
    "uvicorn",
    "httpx",
    "psutil",
)
HOW_TO_RUN = """\
How to run (from the repository root; installs in `bench/README.md`):

```sh
pip install -e . && pip install rdflib-endpoint psutil
apt-get install -y virtuoso-opensource   # optional peer

python bench/run.py --quick    # ~6 min: real data + synthetic 100k, short runs, 20 s loads
python bench/run.py            # ~25 min on 2 cores: real data + synthetic ~1M, 60 s load tests
python bench/run.py --large    # adds a synthetic ~10M-triple dataset (long: the build validates it)
```
"""


def machine() -> dict[str, str]:
    """CPU model, cores, memory, OS, Python and package versions, and the date."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in open("/proc/cpuinfo", encoding="utf-8")
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "absent"
    virtuoso = subprocess.run(
        ["sh", "-c", "dpkg-query -W -f '${Version}' virtuoso-opensource 2>/dev/null"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    versions["virtuoso-opensource (Debian)"] = virtuoso or "absent"
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "cores": f"{os.cpu_count()} logical",
        "ram": f"{psutil.virtual_memory().total / 2**30:.1f} GiB",
        "os": platform.platform(),
        "load average (1/5/15 min) at the end of the run": " / ".join(
            f"{x:.2f}" for x in os.getloadavg()
        ),
        "python": platform.python_version(),
        "packages": ", ".join(f"{k} {v}" for k, v in versions.items()),
    }


def _ms(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def pairwise(data: dict[str, Any], ours: str, peer: str) -> tuple[float, int] | None:
    """Geomean of our p50 over the peer's, on the queries both answered; and how many."""
    servers = data["servers"]
    if peer not in servers or ours not in servers:
        return None
    mine, theirs = servers[ours]["latency"], servers[peer]["latency"]
    both = [q for q in data["queries"] if "p50" in mine.get(q, {}) and "p50" in theirs.get(q, {})]
    if not both:
        return None
    return geomean_ratio([mine[q]["p50"] / theirs[q]["p50"] for q in both]), len(both)


def geomean_ratio(ratios: list[float]) -> float:
    """Geometric mean of ratios."""
    return math.exp(sum(math.log(r) for r in ratios) / len(ratios))


def _ratio(ours: float | None, theirs: float | None) -> str:
    if not ours or not theirs or math.isnan(ours) or math.isnan(theirs):
        return "–"
    return f"{ours / theirs:.2f}×"


def render(results: dict[str, Any]) -> str:
    """RESULTS.md: how to run, the machine, then each dataset's tables and the load test."""
    lines = ["# icj-graph benchmark results", "", HOW_TO_RUN]
    lines += ["## Machine", "", "| | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in results["machine"].items()]
    lines += ["", f"Mode: `{results['mode']}`; plan: {results['plan']}.", ""]
    if results.get("findings"):
        lines += ["## Key findings", ""] + [f"- {f}" for f in results["findings"]] + [""]
    for data in results["datasets"]:
        lines += _dataset(data)
    for load in results["loads"]:
        lines += _load(load)
    notes = results.get("run_notes", []) + results["notes"]
    lines += ["## Not run, and caveats", ""] + [f"- {n}" for n in notes] + [""]
    return "\n".join(lines)


def _dataset(data: dict[str, Any]) -> list[str]:
    build = data["build"]
    lines = [f"## Dataset: {data['name']} ({build['triples']:,} triples)", ""]
    steps = ", ".join(f"{k} {v:.2f} s" for k, v in build["steps"].items())
    lines += [
        f"Build (`icj-graph build`, {build['total_s']:.1f} s wall): {steps}. "
        f"Store size: {build['store_mb']:.0f} MB "
        f"(RocksDB `oxigraph/` {build['rocksdb_mb']:.0f} MB, "
        f"`dataset.nq` {build['nq_mb']:.0f} MB, `dumps/` {build['dumps_mb']:.0f} MB).",
        "",
    ]
    if data.get("generate_s") is not None:
        lines += [
            f"Synthetic source written by `bench/synth.py` in {data['generate_s']:.1f} s.",
            "",
        ]
    servers = data["servers"]
    names = list(servers)
    lines += [
        "### Servers",
        "",
        "| server | start-up (s) | memory (MB: resident; icj-graph's workers: unique) | notes |",
        "|---|---|---|---|",
    ]
    for name, info in servers.items():
        rss = ", ".join(f"{k} {v:.0f}" for k, v in info.get("rss_mb", {}).items())
        lines.append(
            f"| {name} | {info.get('startup_s', '–')} | {rss or '–'} "
            f"| {'; '.join(info.get('notes', []))} |"
        )
    lines += ["", "### Latency per query (ms, sequential: p50 / p95; results)", ""]
    lines += ["| query | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for query in data["queries"]:
        cells = []
        for name in names:
            timing = servers[name]["latency"].get(query, {})
            if timing.get("error"):
                cells.append(f"error: {timing['error'][:60]}")
            else:
                cells.append(
                    f"{_ms(timing.get('p50'))} / {_ms(timing.get('p95'))} ({timing.get('results')})"
                    + (
                        ""
                        if timing.get("runs", 0) >= data["plan_runs"]
                        else f" n={timing.get('runs')}"
                    )
                )
        lines.append(f"| {query} | " + " | ".join(cells) + " |")
    lines += ["", "### Summary", ""]
    lines += [
        f"p50 geomean: over the {len(data['common'])} queries every server answered "
        f'({", ".join(data["excluded"]) or "none"} left out). The ratios ("vs") are '
        "geomeans of per-query p50 ratios over the queries both servers answered (their number "
        f"in brackets). Throughput: the {len(data.get('workload', data['common']))} queries "
        "icj-graph answered, round-robin from "
        f"{data['concurrency']} concurrent clients for {data['throughput_s']:.0f} s; "
        "errors are answers other than 200 and abandoned requests.",
        "",
        "| server | p50 geomean (ms) | vs oxigraph | vs rdflib-endpoint "
        "| throughput (q/s) | vs oxigraph | vs rdflib-endpoint | errors |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name in names:
        info = servers[name]
        geo, tput = info.get("geomean_ms"), info.get("throughput", {}).get("per_s")
        ox, rd = servers.get("oxigraph", {}), servers.get("rdflib-endpoint", {})
        lines.append(
            f"| {name} | {_ms(geo)} | {_pair(data, name, 'oxigraph')} | "
            f"{_pair(data, name, 'rdflib-endpoint')} | {tput if tput is not None else '–'} | "
            f"{_ratio(tput, ox.get('throughput', {}).get('per_s'))} | "
            f"{_ratio(tput, rd.get('throughput', {}).get('per_s'))} | "
            f"{info.get('throughput', {}).get('errors', '–')} |"
        )
    ours = "icj-graph (cache off)" if "icj-graph (cache off)" in servers else "icj-graph"
    over = overhead(data, ours) if ours in servers else {}
    if over:
        lines += [
            "",
            f"{ours} overhead over {over['twin']} (the storage its workers used, same "
            f"serialization), per query, p50 difference: median {over['median_ms']:.1f} ms, "
            f"min {over['min_ms']:.1f} ms, max {over['max_ms']:.1f} ms.",
        ]
    return lines + _workers(data.get("workers")) + [""]


def _workers(figures: dict[str, Any] | None) -> list[str]:
    """The query workers (`bench/workers.py`): forked from the store's holder, against a new
    interpreter that opens the store itself."""
    if not figures:
        return []
    where = "in memory" if figures["in_memory"] else "on disk"
    unique = ", ".join(f"{u:.0f}" for u in figures["worker_unique_mb"])
    resident = ", ".join(f"{r:.0f}" for r in figures["worker_rss_mb"])
    return [
        "",
        f"### Query workers (`bench/workers.py`, store {where}, 2 workers)",
        "",
        "| | |",
        "|---|---|",
        "| pool start-up: the first worker answers (from the on-disk store while an in-memory "
        f"copy loads) / all workers on the store as served | {figures['startup_first_s']} s"
        f" / {figures['startup_all_s']} s |",
        "| every worker busy with a query past its timeout: from the timeout to the next "
        "answer (the workers killed, forks of the holder in their place), median of 5 "
        f"| {figures['replace_ms']} ms |",
        "| the same as a new interpreter that imports the engine and opens the store (how "
        f"workers started before release 0.6.0), median of 3 "
        f"| {figures['fresh_interpreter_ms']} ms |",
        f"| the holder (the store, loaded once) | {figures['holder_rss_mb']:.0f} MB resident |",
        f"| each worker after it read the whole store once | unique {unique} MB; resident "
        f"{resident} MB (with the pages still shared) |",
    ]


def engine_twin(data: dict[str, Any]) -> str:
    """The in-process run on the storage icj-graph's workers served this dataset from: the
    in-memory copy up to ``in_memory_max_triples``, the on-disk RocksDB store beyond."""
    from_memory = Settings().serve_from_memory(data["build"]["triples"])
    return f"pyoxigraph in-process ({'memory' if from_memory else 'RocksDB'})"


def overhead(data: dict[str, Any], ours: str) -> dict[str, Any]:
    """p50 gaps between icj-graph and pyoxigraph in process on the same storage."""
    twin = engine_twin(data)
    latency, engine = data["servers"][ours]["latency"], data["servers"][twin]["latency"]
    gaps = [latency[q]["p50"] - engine[q]["p50"] for q in data["common"]]
    if not gaps:
        return {}
    return {
        "twin": twin,
        "median_ms": statistics.median(gaps),
        "min_ms": min(gaps),
        "max_ms": max(gaps),
    }


def _pair(data: dict[str, Any], ours: str, peer: str) -> str:
    found = pairwise(data, ours, peer)
    return f"{found[0]:.2f}× ({found[1]} q)" if found else "–"


def _load(load: dict[str, Any]) -> list[str]:
    summary = load["summary"]
    lines = [
        f"## Load test (`bench/load.py`): icj-graph on {load['dataset']}, "
        f"{summary['concurrency']} clients, {summary['seconds']} s",
        "",
        f"Requests: {summary['requests']} ({summary['per_s']}/s); "
        f"**5xx: {summary['status_5xx']}**; "
        f"failed connections: {summary['connection_failures']} "
        f"{summary.get('failure_kinds', '')}; "
        f"latency p50 {summary['p50_ms']} ms, "
        f"p99 {summary['p99_ms']} ms. Server memory (whole process tree): "
        f"{summary['memory_start_mb']} MB at start, peak {summary['memory_peak_mb']} MB, "
        f"{summary['memory_end_mb']} MB at end (growth {summary['memory_growth_pct']}%).",
        "",
        "| kind | statuses | p50 (ms) | p99 (ms) |",
        "|---|---|---|---|",
    ]
    for kind, info in summary["kinds"].items():
        statuses = ", ".join(f"{s}: {n}" for s, n in info["statuses"].items())
        lines.append(f"| {kind} | {statuses} | {info['p50_ms']} | {info['p99_ms']} |")
    return lines + [
        "",
        "Malformed requests (5%): bad SPARQL, an Accept nothing satisfies, "
        "400-deep nesting, an update, a document asked as image/png.",
        "",
    ]

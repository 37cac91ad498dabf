"""Two icj-graph replicas behind Debian's nginx on loopback: both answer, the answers agree,
and stopping one replica does not interrupt the service.

``python bench/replicas.py [--store var/store] [--requests 200]`` (needs ``nginx`` on the PATH:
``apt-get install nginx``). Everything listens on 127.0.0.1 and stops at the end; exits 1 if a
check fails. The deployment it checks is the one the README documents.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx
from servers import HOST, Server, free_port, start_icj

QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
NGINX_CONF = """
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    upstream icj_graph {{ {servers} }}
    server {{
        listen {host}:{port};
        location / {{
            proxy_pass http://icj_graph;
            proxy_set_header Host $host;
            proxy_next_upstream error timeout;
        }}
    }}
}}
"""


def nginx_config(prefix: Path, port: int, replicas: list[Server]) -> str:
    """An nginx configuration balancing `replicas` on HOST:`port`, all its files in `prefix`."""
    servers = " ".join(f"server {r.base.removeprefix('http://')};" for r in replicas)
    return NGINX_CONF.format(prefix=prefix, servers=servers, host=HOST, port=port)


def start_nginx(prefix: Path, replicas: list[Server]) -> tuple[subprocess.Popen[bytes], str]:
    """Start nginx in the foreground in `prefix`; return it and its base URL once it answers."""
    port = free_port()
    conf = prefix / "nginx.conf"
    conf.write_text(nginx_config(prefix, port, replicas), encoding="utf-8")
    command = ["nginx", "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")]
    process = subprocess.Popen([*command, "-g", "daemon off;"])
    base = f"http://{HOST}:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{base}/healthz", timeout=2)
            return process, base
        except httpx.TransportError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"nginx did not answer: {(prefix / 'error.log').read_text()}")


def served_queries(replica: Server) -> int:
    """How many /sparql requests the replica logged (its JSON access log, one line each)."""
    count = 0
    for line in replica.log.read_text(errors="replace").splitlines():
        if line.startswith("{") and json.loads(line).get("path") == "/sparql":
            count += 1
    return count


def ask(base: str, requests: int) -> tuple[Counter[int], set[str]]:
    """Send `requests` GET queries through `base`; return the statuses and distinct bodies."""
    statuses: Counter[int] = Counter()
    bodies: set[str] = set()
    with httpx.Client(timeout=30) as client:
        for _ in range(requests):
            answer = client.get(
                f"{base}/sparql", params={"query": QUERY}, headers={"Accept": "text/csv"}
            )
            statuses[answer.status_code] += 1
            bodies.add(answer.text)
    return statuses, bodies


def run(store: Path, requests: int) -> dict[str, object]:
    """Start two replicas and nginx, run the checks, stop everything; return what was seen."""
    workdir = Path(tempfile.mkdtemp(prefix="icj-replicas-"))
    replicas = [start_icj(store, workdir, 1, cache=False, name=f"replica-{i}") for i in (1, 2)]
    nginx = None
    try:
        nginx, base = start_nginx(workdir, replicas)
        before = [served_queries(r) for r in replicas]
        statuses, bodies = ask(base, requests)
        shares = [served_queries(r) - b for r, b in zip(replicas, before, strict=True)]
        replicas[0].stop()
        failover_statuses, failover_bodies = ask(base, requests // 4)
        return {
            "requests": requests,
            "statuses": dict(statuses),
            "answered_by_each_replica": shares,
            "identical_answers": len(bodies) == 1,
            "after_stopping_replica_1": dict(failover_statuses),
            "same_answer_after_failover": failover_bodies == bodies,
        }
    finally:
        if nginx is not None:
            nginx.terminate()
            nginx.wait(10)
        for replica in replicas:
            replica.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def passed(result: dict[str, object]) -> bool:
    """Both replicas answered, every answer was 200 and the same, before and after failover."""
    shares = result["answered_by_each_replica"]
    return (
        isinstance(shares, list)
        and all(share > 0 for share in shares)
        and set(result["statuses"]) == {200}  # type: ignore[arg-type]
        and set(result["after_stopping_replica_1"]) == {200}  # type: ignore[arg-type]
        and bool(result["identical_answers"])
        and bool(result["same_answer_after_failover"])
    )


def main() -> None:
    """Command line: run the replica check and print its result as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--store", type=Path, default=Path("var/store"))
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    if shutil.which("nginx") is None:
        parser.error("nginx is not installed (apt-get install nginx)")
    result = run(args.store.resolve(), args.requests)
    print(json.dumps({**result, "passed": passed(result)}, indent=2))  # noqa: T201
    sys.exit(0 if passed(result) else 1)


if __name__ == "__main__":
    main()

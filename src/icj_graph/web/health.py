"""Probes for orchestrators: ``/healthz`` (the process answers) and ``/readyz`` (the store is
open and answers a query; the dataset version it serves)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from icj_graph.errors import IcjGraphError
from icj_graph.web.deps import BuildDep, EngineDep

router = APIRouter(tags=["Health"])


@router.get("/healthz", summary="Liveness: the process answers")
async def healthz() -> dict[str, str]:
    """Always ``{"status": "ok"}`` while the process serves requests."""
    return {"status": "ok"}


@router.get("/readyz", summary="Readiness: the store answers; the version it serves")
async def readyz(engine: EngineDep, build: BuildDep) -> JSONResponse:
    """200 with the dataset version once a query worker answers; 503 otherwise. ``storage``
    says what answers: ``memory``, ``disk``, ``loading`` (the on-disk store, while the in-memory
    copy loads: ready, but not yet at full speed) or ``remote``."""
    body: dict[str, object] = {
        "storage": engine.storage,
        "version": build.version,
        "content_hash": build.content_hash,
        "built_at": build.built_at,
        "triples": build.triples,
    }
    try:
        await engine.fetch("ASK {}", "application/sparql-results+json")
    except IcjGraphError as err:
        return JSONResponse({"status": "unavailable", "reason": err.message, **body}, 503)
    return JSONResponse({"status": "ready", **body})

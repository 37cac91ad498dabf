"""Typed dependencies of the handlers: the settings, the query engine and the build info."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from icj_graph.engine import QueryEngine
from icj_graph.settings import Settings
from icj_graph.store import BuildInfo


def get_settings(request: Request) -> Settings:
    """The app's settings."""
    settings: Settings = request.app.state.settings
    return settings


def get_engine(request: Request) -> QueryEngine:
    """The query engine serving this app."""
    engine: QueryEngine = request.app.state.engine
    return engine


def get_build(request: Request) -> BuildInfo:
    """The info of the build being served."""
    info: BuildInfo = request.app.state.build_info
    return info


SettingsDep = Annotated[Settings, Depends(get_settings)]
EngineDep = Annotated[QueryEngine, Depends(get_engine)]
BuildDep = Annotated[BuildInfo, Depends(get_build)]

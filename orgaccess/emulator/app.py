"""Assembles the ASGI application: routes, error shape, audit and faults around them."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from starlette.types import ASGIApp

from orgaccess import __version__
from orgaccess.emulator.api import Api
from orgaccess.emulator.audit import AuditMiddleware, is_platform_path
from orgaccess.emulator.errors import install_handlers
from orgaccess.emulator.faults import FaultsMiddleware
from orgaccess.emulator.genesys import clients as genesys_clients
from orgaccess.emulator.genesys import org as genesys_org
from orgaccess.emulator.genesys import roles as genesys_roles
from orgaccess.emulator.genesys import subjects as genesys_subjects
from orgaccess.emulator.ratelimit import RateLimitHeaders
from orgaccess.emulator.routes import (
    clients,
    control,
    dataplane,
    grants,
    licenses,
    oauth,
    organizations,
    roles,
)
from orgaccess.emulator.state import Emulator
from orgaccess.platform.models import ORG_HEADER

# The token endpoint and the control plane are the same on both dialects.
_ROUTERS = {
    Api.SEED: (oauth, organizations, clients, roles, grants, licenses, dataplane, control),
    Api.GENESYS_CLOUD: (oauth, genesys_org, genesys_clients, genesys_roles, genesys_subjects, control),
}
_DESCRIPTIONS = {
    Api.SEED: "The multi-org contact-center platform API of orgaccess's docs/api.md, emulated.",
    Api.GENESYS_CLOUD: "The part of Genesys Cloud's public API that orgaccess uses, emulated.",
}
# Documented here rather than declared as a FastAPI `Security` dependency, which would cost a
# dependency resolution on every call for a header `access.authenticate` parses anyway.
_BEARER = {"type": "http", "scheme": "bearer", "description": "A token from POST /oauth/token"}
# Read by `access.authenticated` on every seed call, so documented here for all of them at once.
_ORG = {
    "name": ORG_HEADER,
    "in": "header",
    "required": False,
    "schema": {"type": "string"},
    "description": "The target org; absent: home org",
}
_API_PARAMETERS = {Api.SEED: [_ORG], Api.GENESYS_CLOUD: []}


def create_app(emu: Emulator) -> FastAPI:
    app = FastAPI(
        title="orgaccess platform emulator",
        version=__version__,
        description=_DESCRIPTIONS[emu.dialect],
        # A test and demo aid exports nothing; left on, FastAPI asks OpenTelemetry on every request
        # whether anything listens, 3% of the emulator's CPU in a 5,000-org drift.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.emulator = emu
    for module in _ROUTERS[emu.dialect]:
        # Each route on the app itself, with what its router gave it when it was declared (prefix,
        # dependencies, responses): FastAPI 0.165 matches an included router's routes through a node
        # per router, which cost 7% of the emulator's CPU in a fleet's read (12.1 -> 11.3 s).
        app.router.routes.extend(module.router.routes)
    # Starlette tries routes in order, about 1 µs each, and FastAPI put its docs' four first: the
    # platform's go before them (and the control plane), each in the order declared.
    app.router.routes.sort(key=lambda route: not is_platform_path(getattr(route, "path", "")))
    install_handlers(app)
    _document(app, _API_PARAMETERS[emu.dialect])
    return app


def create_asgi(emu: Emulator) -> ASGIApp:
    """The app as served: faults outermost, so it holds the server's own connection."""
    app = RateLimitHeaders(create_app(emu))
    return FaultsMiddleware(AuditMiddleware(app, emu.audit), lambda: emu.faults, emu.audit, emu.dialect)


def _document(app: FastAPI, parameters: list[dict[str, Any]]) -> None:
    """Finishes the OpenAPI document: the bearer scheme and `parameters` on `/api/` calls, and no 422 entries
    (validation errors answer 400 here, so FastAPI's defaults would document a lie)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            components = schema.setdefault("components", {})
            components.setdefault("securitySchemes", {})["bearer"] = _BEARER
            for path, operations in schema.get("paths", {}).items():
                for operation in operations.values():
                    operation.get("responses", {}).pop("422", None)
                    if path.startswith("/api/"):
                        operation["security"] = [{"bearer": []}]
                        if parameters:
                            operation.setdefault("parameters", []).extend(parameters)
            for name in ("HTTPValidationError", "ValidationError"):
                components.get("schemas", {}).pop(name, None)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

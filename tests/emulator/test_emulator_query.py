"""A route's query string as one model: read as FastAPI would have read it, documented as FastAPI would."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Annotated, Any

import httpx
from fastapi import FastAPI, Query, Request
from pydantic import Field

from orgaccess.emulator.api import Api
from orgaccess.emulator.errors import install_handlers
from orgaccess.emulator.query import QueryString


class Filter(QueryString):
    pageSize: int = Field(25, ge=1, le=500)
    name: str | None = Field(None, description="An exact name")
    id: list[str] | None = Field(None, description="These ids")


def app() -> FastAPI:
    served = FastAPI()
    served.state.emulator = SimpleNamespace(dialect=Api.SEED)  # all the error handlers ask of it

    @served.get("/read", openapi_extra=Filter.documented())
    async def read(request: Request) -> dict[str, Any]:
        return Filter.of(request).model_dump()

    @served.get("/declared")
    async def declared(
        pageSize: Annotated[int, Query(ge=1, le=500)] = 25,
        name: Annotated[str | None, Query(description="An exact name")] = None,
        id: Annotated[list[str] | None, Query(description="These ids")] = None,
    ) -> None:
        """The same parameters declared FastAPI's way, for the document to be compared with."""

    install_handlers(served)
    return served


def read(params: Any = None) -> httpx.Response:
    async def get() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app()), base_url="http://emulator") as client:
            return await client.get("/read", params=params)

    return asyncio.run(get())


def test_absent_parameters_take_their_defaults() -> None:
    assert read().json() == {"pageSize": 25, "name": None, "id": None}


def test_a_repeated_parameter_is_read_as_a_list_and_an_unknown_one_ignored() -> None:
    answer = read([("id", "a"), ("id", "b"), ("pageSize", "3"), ("other", "x")])
    assert answer.json() == {"pageSize": 3, "name": None, "id": ["a", "b"]}


def test_a_value_out_of_bounds_is_400_naming_the_parameter() -> None:
    answer = read({"pageSize": "501"})
    assert answer.status_code == 400
    assert answer.json()["message"].startswith("query.pageSize:")


def test_the_parameters_are_documented_as_fastapi_documents_its_own() -> None:
    paths = app().openapi()["paths"]
    assert paths["/read"]["get"]["parameters"] == paths["/declared"]["get"]["parameters"]

"""The smallest real reconciler: a dynamic provider whose "platform" is one local file.

It proves the toolchain end to end (program, engine, dynamic provider process, pickled
provider importing this package) before anything talks HTTP, and it is the shape every
orgaccess kind follows: `diff` compares the declaration with what is live now, so a plain
`pulumi preview` shows out-of-band drift.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, Resource, ResourceProvider, UpdateResult


def _live_text(path: str) -> str | None:
    try:
        return Path(path).read_text()
    except FileNotFoundError:
        return None


class FileNoteProvider(ResourceProvider):
    """Keeps `text` in the file at `path`. Stateless, so it pickles by reference."""

    def create(self, props: dict[str, Any]) -> CreateResult:
        Path(props["path"]).write_text(props["text"])
        return CreateResult(id_=props["path"], outs=dict(props))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [k for k in ("path", "text") if olds.get(k) != news.get(k)]
        if _live_text(news["path"]) != news["text"] and "text" not in changed:
            changed.append("text")
        return DiffResult(changes=bool(changed), replaces=["path"] if "path" in changed else [])

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        Path(news["path"]).write_text(news["text"])
        return UpdateResult(outs=dict(news))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        live = _live_text(id_)
        if live is None:
            return ReadResult(id_=None, outs={})
        outs = {**props, "path": id_, "text": live}
        return ReadResult(id_=id_, outs=outs, inputs=outs)

    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        Path(id_).unlink(missing_ok=True)


class FileNote(Resource, module="orgaccess", name="FileNote"):
    """A note kept in a local file: `pulumi-python:dynamic/orgaccess:FileNote`."""

    def __init__(self, name: str, path: str, text: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(FileNoteProvider(), name, {"path": path, "text": text}, opts)


class NoopProvider(ResourceProvider):
    """Accepts any inputs and never calls anything: the engine's own cost per resource.

    The benchmark's floor runs the same resource graph through this provider, so the time
    a real provider adds (API calls, drift comparison) is what remains above the floor.
    Its pickle is plain, as orgaccess's is (providers.provider.KindProvider).
    """

    serialize_as_secret_always = False

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(id_=str(props.get("name", "noop")), outs=dict(props))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return DiffResult(changes=any(olds.get(k) != v for k, v in news.items()), replaces=[])

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(outs=dict(news))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        return ReadResult(id_=id_, outs=dict(props), inputs=dict(props))


class Noop(Resource, module="orgaccess", name="Noop"):
    """A resource that only the engine sees: `pulumi-python:dynamic/orgaccess:Noop`."""

    def __init__(self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(NoopProvider(), name, dict(props), opts)

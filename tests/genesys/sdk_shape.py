"""Checking an answer against the official SDK's models, both ways, since the SDK itself parses leniently.

`PureCloudPlatformClientV2` drops fields it does not know, leaves missing ones None, keeps a value of
the wrong type as it came and turns an enum value it does not know into "outdated_sdk_version". So
an answer proves its shape only if, in every model it is read into:
- every field it carries is one the model names (`attribute_map`);
- every field the model requires is there;
- every value has the model's declared type (`swagger_types`) and is a value its setter keeps;
- no value is null: Genesys leaves an absent field out, and no model marks a field nullable.

Types and enum values come from the installed SDK. Required flags are not in the installed package;
the SDK publishes them in its model docs (`build/docs/<Model>.md` of MyPureCloud/platform-client-sdk-python,
a field without `[optional]` is required), copied unchanged into `sdk_model_docs/` from 257.1.0,
the newest stored copy of that repository. A doc whose fields are not the installed model's (269.0.0)
fails the check, so a stale copy cannot pass unnoticed.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from PureCloudPlatformClientV2 import ApiClient, models

OUTDATED = "outdated_sdk_version"
DOCS = Path(__file__).parent / "sdk_model_docs"
_PRIMITIVES: dict[str, tuple[type, ...]] = {"str": (str,), "bool": (bool,), "int": (int,), "float": (int, float)}
_DOC_ROW = re.compile(r"^\| \*\*(\w+)\*\* \|.*\|(.*)\|$")


def model_docs_checked() -> list[str]:
    """The names of the models whose docs this check reads: every model an answer was read into."""
    return sorted(path.stem for path in DOCS.glob("*.md"))


@cache
def required_fields(model_name: str) -> frozenset[str]:
    """The attributes the SDK's model doc marks required; fails if the doc is not the installed model's."""
    path = DOCS / f"{model_name}.md"
    assert path.exists(), f"no model doc for {model_name}: copy build/docs/{model_name}.md of the SDK to {DOCS}"
    rows = [m for line in path.read_text().splitlines() if (m := _DOC_ROW.match(line))]
    documented = {m.group(1) for m in rows}
    installed = set(getattr(models, model_name)().swagger_types)
    assert documented == installed, f"{path.name} is not the installed SDK's {model_name}: {documented ^ installed}"
    return frozenset(m.group(1) for m in rows if "[optional]" not in m.group(2))


def shape_problems(data: Any, swagger_type: str, at: str = "") -> list[str]:
    """Where the raw JSON `data` is not what the SDK type `swagger_type` (`Organization`,
    `list[AuthzGrant]`, `dict(str, bool)`, `int`, ...) declares, as paths with the reason."""
    if data is None:
        return [f"{at}: null, but the SDK marks no field nullable"]
    if (inner := re.fullmatch(r"list\[(.*)\]", swagger_type)) is not None:
        if not isinstance(data, list):
            return [f"{at}: {type(data).__name__}, not a list"]
        return [p for i, item in enumerate(data) for p in shape_problems(item, inner.group(1), f"{at}[{i}]")]
    if (inner := re.fullmatch(r"dict\([^,]*, (.*)\)", swagger_type)) is not None:
        if not isinstance(data, dict):
            return [f"{at}: {type(data).__name__}, not an object"]
        return [p for key, value in data.items() for p in shape_problems(value, inner.group(1), f"{at}.{key}")]
    if swagger_type == "object":
        return []
    if swagger_type == "datetime":
        return [] if isinstance(data, str) and _is_datetime(data) else [f"{at}: {data!r} is not a date-time"]
    if swagger_type in _PRIMITIVES:
        # bool is an int in Python, never on the wire.
        if isinstance(data, bool) is not (swagger_type == "bool") or not isinstance(data, _PRIMITIVES[swagger_type]):
            return [f"{at}: {data!r} is not {swagger_type}"]
        return []
    return _model_problems(data, swagger_type, at)


def _model_problems(data: Any, model_name: str, at: str) -> list[str]:
    if not isinstance(data, dict):
        return [f"{at}: {type(data).__name__}, not a {model_name}"]
    instance = getattr(models, model_name)()
    by_json_name = {json_name: attr for attr, json_name in instance.attribute_map.items()}
    problems = [
        f"{at}.{instance.attribute_map[attr]}: required by {model_name}, missing"
        for attr in sorted(required_fields(model_name))
        if instance.attribute_map[attr] not in data
    ]
    for key, value in data.items():
        attr = by_json_name.get(key)
        if attr is None:
            problems.append(f"{at}.{key}: unknown to {model_name}")
            continue
        wrong = shape_problems(value, instance.swagger_types[attr], f"{at}.{key}")
        if not wrong and isinstance(value, str):
            # The setter knows the enum values: it keeps a known one, turns any other into OUTDATED.
            setattr(instance, attr, value)
            if getattr(instance, attr) == OUTDATED:
                wrong = [f"{at}.{key}: '{value}' is not a value {model_name} knows"]
        problems += wrong
    return problems


def _is_datetime(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def assert_parsed(client: ApiClient, model: Any) -> Any:
    """The SDK's last answer is exactly the shape of `model`'s type; returns the model."""
    problems = shape_problems(json.loads(client.last_response.data), type(model).__name__)
    # Not a test module, so pytest does not rewrite this assert: the message is the list.
    assert problems == [], problems
    return model


def error_body(client: ApiClient, body: str) -> Any:
    """An error answer parsed by the SDK into its `ErrorBody`, checked field by field."""
    problems = shape_problems(json.loads(body), "ErrorBody")
    assert problems == [], problems
    return client.deserialize(_Answer(body), "ErrorBody")


class _Answer:
    """What `ApiClient.deserialize` reads from a response."""

    def __init__(self, data: str) -> None:
        self.data = data

    def getheader(self, name: str) -> str | None:
        return "application/json" if name.lower() == "content-type" else None

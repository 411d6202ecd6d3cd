"""Checking an answer against the official SDK's models, since the SDK itself parses leniently.

`PureCloudPlatformClientV2` drops fields it does not know, leaves missing ones None and turns an
enum value it does not know into "outdated_sdk_version". So an answer proves its shape only if
every field it carries is one the SDK's model names, and every value survived parsing.
"""

from __future__ import annotations

import json
from typing import Any

from PureCloudPlatformClientV2 import ApiClient

OUTDATED = "outdated_sdk_version"


def unknown_fields(data: Any, model: Any, at: str = "") -> list[str]:
    """Fields of the raw JSON `data` that the parsed SDK `model` does not carry, as paths."""
    if isinstance(data, list):
        return [
            p
            for i, (item, parsed) in enumerate(zip(data, model, strict=True))
            for p in unknown_fields(item, parsed, f"{at}[{i}]")
        ]
    if not isinstance(data, dict) or not hasattr(model, "attribute_map"):
        return [f"{at}: '{model}' is not what the SDK expects"] if model == OUTDATED else []
    by_json_name = {json_name: attr for attr, json_name in model.attribute_map.items()}
    problems = []
    for key, value in data.items():
        if key not in by_json_name:
            problems.append(f"{at}.{key}: unknown to {type(model).__name__}")
        else:
            problems += unknown_fields(value, getattr(model, by_json_name[key]), f"{at}.{key}")
    return problems


def assert_parsed(client: ApiClient, model: Any) -> Any:
    """The SDK's last answer parsed into `model` completely; returns the model."""
    raw = json.loads(client.last_response.data)
    assert unknown_fields(raw, model) == []
    return model


def error_body(client: ApiClient, body: str) -> Any:
    """An error answer parsed by the SDK into its `ErrorBody`, checked field by field."""
    parsed = client.deserialize(_Answer(body), "ErrorBody")
    assert unknown_fields(json.loads(body), parsed) == []
    return parsed


class _Answer:
    """What `ApiClient.deserialize` reads from a response."""

    def __init__(self, data: str) -> None:
        self.data = data

    def getheader(self, name: str) -> str | None:
        return "application/json" if name.lower() == "content-type" else None

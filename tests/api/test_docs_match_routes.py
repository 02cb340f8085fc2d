"""docs/api.md's table of resources lists exactly the API's paths, each with its methods."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def _shape(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


def _documented() -> dict[str, set[str]]:
    """{path shape: methods named in its row} from the table's rows."""
    found: dict[str, set[str]] = {}
    for line in DOC.read_text().splitlines():
        if not line.startswith("| `/"):
            continue
        resource, operations = line.split("|")[1:3]
        methods = set(re.findall(r"`(GET|POST|PATCH|PUT|DELETE)`", operations))
        for path in re.findall(r"`(/[^`]*)`", resource):
            found.setdefault(_shape(path), set()).update(methods)
    return found


def test_the_docs_table_lists_every_path_with_its_methods(client: Any) -> None:
    document = client.get("/api/v1/openapi.json").json()
    routes = {
        _shape(path.removeprefix("/api/v1")): {method.upper() for method in operations}
        for path, operations in document["paths"].items()
    }
    assert _documented() == routes

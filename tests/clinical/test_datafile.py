"""Files read beside the knowledge base are checked like it: unique ids, known sources."""

from __future__ import annotations

import pytest

from taut.clinical.integrity import check_cited_records
from taut.clinical.knowledge import KnowledgeError
from taut.clinical.records import Cited, Id


class Row(Cited):
    id: Id


def rows(*pairs):
    return [Row(id=row_id, source=source, evidence="verified") for row_id, source in pairs]


def test_known_sources_and_unique_ids_pass():
    check_cited_records("x.toml", "row", rows(("a", "S1"), ("b", ["S1", "S2"])), "id", ["S1", "S2"])


def test_a_duplicate_id_is_named():
    with pytest.raises(KnowledgeError, match=r"row 'a' \(#2\): duplicate id 'a'"):
        check_cited_records("x.toml", "row", rows(("a", "S1"), ("a", "S1")), "id", ["S1"])


def test_an_unknown_source_is_named_with_close_keys():
    with pytest.raises(KnowledgeError, match="unknown source .S3."):
        check_cited_records("x.toml", "row", rows(("a", "S3")), "id", ["S1", "S2"])


def test_a_record_without_a_source_is_refused():
    with pytest.raises(KnowledgeError, match="no source given"):
        check_cited_records(
            "x.toml", "row", [Row(id="a", source=(), evidence="verified")], "id", []
        )

"""A staff read needs the clinic membership it is scoped by; without one it is refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from taut.common.context import AuditContext


def test_a_context_without_a_membership_is_refused_a_staff_read() -> None:
    with pytest.raises(PermissionDenied):
        _ = AuditContext.system().member


def test_a_context_with_a_membership_reads_under_it() -> None:
    membership = object()
    assert AuditContext(actor=None, membership=membership).member is membership

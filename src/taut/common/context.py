"""Who acts and from where: what a service needs to leave its audit entries.

Views build an `AuditContext` from the request once and hand it to services and audited
selectors; services never see the HTTP request. Background work and commands act as the system.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from taut.common.proxies import client_ip


@dataclass(frozen=True)
class AuditContext:
    """The actor (a user, or None for the system), their membership of the clinic they act in
    (None for a patient in the portal, a visitor or the system) and the client's address. A
    registered machine acts with no user: `agent` names it, and `membership` is its access."""

    actor: Any | None
    membership: Any | None = None
    client_address: str | None = None
    # A machine acting with no person behind it (a SMART backend client): how the log names it.
    agent: str = ""

    @classmethod
    def from_request(cls, request: HttpRequest) -> AuditContext:
        user = request.user if request.user.is_authenticated else None
        return cls(
            actor=user,
            membership=getattr(request, "membership", None),
            client_address=client_ip(request),
        )

    @classmethod
    def system(cls) -> AuditContext:
        """Work no person asked for in this request: the task worker, a command, a migration."""
        return cls(actor=None)

    @classmethod
    def of(cls, actor: Any, membership: Any | None = None) -> AuditContext:
        """A person acting outside a request (a command run for them, a test)."""
        return cls(actor=actor, membership=membership)

    @property
    def clinic(self) -> Any | None:
        """The clinic a staff member acts in; None for the portal, visitors and the system."""
        return self.membership.clinic if self.membership is not None else None

    @property
    def member(self) -> Any:
        """The membership a staff read acts under. Reaching a staff read without one (the portal,
        the system) is refused rather than read without the clinic's scope."""
        if self.membership is None:
            raise PermissionDenied("Only a member of the clinic may read this.")
        return self.membership

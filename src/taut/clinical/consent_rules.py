"""When a patient must consent (again): the rule, stated once, over plain values.

    consent_status(latest=Signature(document_version=2), published=[DocumentVersion(3, True)])
    # ConsentStatus.SUPERSEDED: version 3 changed what the patient agrees to

- No signature of a kind: no consent (None); the gate says "No signed consent is on file".
- The latest signature withdrawn: withdrawn, whatever was signed before it; a new signature is
  needed, of the current version.
- A version published after the signed one and marked `requires_reconsent` (a change to what the
  patient agrees to, not a typo): superseded, so the patient signs the current version. A later
  version without that mark leaves the signature standing.
- Electrical needling needs a consent of its own where the clinic asks for one (the gate's policy).

Consents do not expire in Taut: no source in /work/shared/domain gives a period, so no period is
invented here; a clinic that wants one publishes a new version that requires re-consent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from taut.clinical.practice import is_electrical


class ConsentStatus(StrEnum):
    SIGNED = "signed"
    WITHDRAWN = "withdrawn"
    SUPERSEDED = "superseded"  # the document changed in a way that requires consenting again


@dataclass(frozen=True)
class Signature:
    """The patient's latest signature of one kind of consent."""

    document_version: int
    withdrawn: bool = False


@dataclass(frozen=True)
class DocumentVersion:
    """A published version of the clinic's consent document of that kind."""

    version: int
    requires_reconsent: bool


def reconsent_required(*, signed_version: int, published: Iterable[DocumentVersion]) -> bool:
    """Has a version published after the signed one changed what the patient agrees to?"""
    return any(d.version > signed_version and d.requires_reconsent for d in published)


def consent_status(
    *, latest: Signature | None, published: Iterable[DocumentVersion]
) -> ConsentStatus | None:
    """Where the patient stands for one kind of consent; None when it was never signed."""
    if latest is None:
        return None
    if latest.withdrawn:
        return ConsentStatus.WITHDRAWN
    if reconsent_required(signed_version=latest.document_version, published=published):
        return ConsentStatus.SUPERSEDED
    return ConsentStatus.SIGNED


def needs_own_consent(technique: str, *, separate_electrical: bool) -> bool:
    """Does planning this technique need a consent of its own, beyond the general one? Electrical
    needling does where the clinic asks for a separate consent (`separate_electrical`)."""
    return is_electrical(technique) and separate_electrical

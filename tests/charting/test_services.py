from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from taut.charting import services
from taut.charting.finality import SignedNoteFinal
from taut.charting.models import NeedlingEntry, TreatmentSession
from taut.clinics.models import Membership
from tests.charting.conftest import ENTRY, TODAY, Ready, make_ready, stock_and_profile
from tests.conftest import World


def _start(ready: Ready) -> TreatmentSession:
    membership = Membership.objects.get(user=ready.world.clinician_a)
    return services.session_start(
        request=None, membership=membership, patient=ready.world.patient_a, today=TODAY
    )


def _entry(ready: Ready, session: TreatmentSession, **overrides: Any) -> NeedlingEntry:
    data = {**ENTRY, "lot_id": ready.lot.pk, **overrides}
    return services.entry_add(
        request=None, actor=ready.world.clinician_a, session=session, data=data
    )


def test_a_session_starts_for_a_ready_patient_and_knows_it_is_the_first(ready: Ready) -> None:
    session = _start(ready)
    assert session.first_session and session.consent.document.version == 1


def test_the_gate_refuses_a_patient_without_screening_or_consent(world: World) -> None:
    membership = Membership.objects.get(user=world.clinician_a)
    with pytest.raises(services.SessionRefused) as refused:
        services.session_start(
            request=None, membership=membership, patient=world.patient_a, today=TODAY
        )
    assert any("No screening" in r for r in refused.value.reasons)
    assert any("No signed consent" in r for r in refused.value.reasons)


def test_an_expired_licence_blocks_the_session_with_the_reason(ready: Ready) -> None:
    ready.profile.licence_expires = TODAY - timedelta(days=1)
    ready.profile.save()
    with pytest.raises(services.SessionRefused) as refused:
        _start(ready)
    assert any("licence expired" in r for r in refused.value.reasons)


def test_missing_training_blocks_the_session(ready: Ready) -> None:
    ready.profile.training_hours = 10
    ready.profile.save()
    with pytest.raises(services.SessionRefused, match="requires 50 hours"):
        _start(ready)


def test_an_expired_lot_is_refused(ready: Ready) -> None:
    session = _start(ready)
    with pytest.raises(services.SessionRefused, match="expired"):
        _entry(ready, session, lot_id=ready.expired_lot.pk)


def test_another_clinics_lot_is_refused(ready: Ready) -> None:
    from taut.charting.models import NeedleLot, NeedleProduct

    product = NeedleProduct.objects.create(
        clinic=ready.world.clinic_b, brand="X", gauge_mm="0.25", length_mm=40
    )
    foreign = NeedleLot.objects.create(
        clinic=ready.world.clinic_b,
        product=product,
        lot_number="B1",
        expires_on=TODAY + timedelta(days=9),
        received_on=TODAY,
    )
    with pytest.raises(services.SessionRefused, match="not in this clinic's stock"):
        _entry(ready, _start(ready), lot_id=foreign.pk)


def test_upper_trapezius_is_accepted_with_a_lung_warning(ready: Ready) -> None:
    entry = _entry(ready, _start(ready), muscle="upper_trapezius")
    assert any(
        "lung" in w["message"].lower() or "pleura" in w["message"].lower() for w in entry.warnings
    )


def test_electrical_needling_needs_the_electrical_consent(ready: Ready) -> None:
    with pytest.raises(services.SessionRefused, match="not consented to it separately"):
        _entry(
            ready,
            _start(ready),
            technique="electrical",
            frequency_hz=2,
            pulse_width_us=250,
            intensity_ma=5,
            stimulation_minutes=15,
        )


def test_a_region_limited_by_screening_is_refused(world: World) -> None:
    make_ready(world, {"lymphoedema_regions": ["arm_anterior_l"]})
    ready = stock_and_profile(world)
    session = _start(ready)
    with pytest.raises(services.SessionRefused):
        _entry(ready, session, muscle="biceps_brachii", side="l")
    assert _entry(ready, session, muscle="biceps_brachii", side="r").pk


def test_a_depth_deeper_than_the_lots_needle_is_refused_and_nothing_is_saved(
    ready: Ready,
) -> None:
    session = _start(ready)  # the lot's needles are 50 mm long
    with pytest.raises(services.SessionRefused) as refused:
        _entry(ready, session, depth_mm=Decimal("55.0"))
    reasons = " ".join(refused.value.reasons)
    assert "55 mm is deeper than the needle is long (50 mm)" in reasons
    assert not NeedlingEntry.objects.filter(session=session).exists()
    assert _entry(ready, session, depth_mm=Decimal("50.0")).pk


def test_a_rhomboid_depth_beyond_the_published_safe_depth_is_refused(ready: Ready) -> None:
    session = _start(ready)
    with pytest.raises(services.SessionRefused) as refused:
        _entry(ready, session, muscle="rhomboids", side="r", depth_mm=Decimal("24.5"))
    assert any("beyond the safe depth of 19 mm" in r for r in refused.value.reasons)
    assert not NeedlingEntry.objects.filter(session=session).exists()
    kept = _entry(ready, session, muscle="rhomboids", side="r", depth_mm=Decimal("18.0"))
    assert kept.depth_mm == Decimal("18.0")


def test_a_mismatched_count_blocks_signing_and_names_the_entry(ready: Ready) -> None:
    session = _start(ready)
    entry = _entry(ready, session, needles_in=3)
    services.entry_count_out(
        request=None, actor=ready.world.clinician_a, entry=entry, needles_out=2
    )
    with pytest.raises(services.SessionRefused, match=r"infraspinatus \(left\): 3 in, 2 out"):
        services.session_sign(request=None, actor=ready.world.clinician_a, session=session)
    services.entry_count_out(
        request=None, actor=ready.world.clinician_a, entry=entry, needles_out=3
    )
    signed = services.session_sign(request=None, actor=ready.world.clinician_a, session=session)
    assert signed.is_signed
    assert signed.billing["codes"][0]["code"] == "20560"
    assert signed.aftercare["red_flags"]


def test_three_muscles_bill_20561(ready: Ready) -> None:
    session = _start(ready)
    for muscle, side in (("infraspinatus", "l"), ("infraspinatus", "r"), ("gluteus_medius", "l")):
        entry = _entry(ready, session, muscle=muscle, side=side, needles_in=1)
        services.entry_count_out(
            request=None, actor=ready.world.clinician_a, entry=entry, needles_out=1
        )
    signed = services.session_sign(request=None, actor=ready.world.clinician_a, session=session)
    assert signed.billing["codes"][0]["code"] == "20561"
    assert signed.billing["distinct_muscles"] == 3


def test_a_signed_note_never_changes_but_takes_addenda(ready: Ready) -> None:
    session = _start(ready)
    entry = _entry(ready, session, needles_in=1)
    services.entry_count_out(
        request=None, actor=ready.world.clinician_a, entry=entry, needles_out=1
    )
    services.session_sign(request=None, actor=ready.world.clinician_a, session=session)
    with pytest.raises(SignedNoteFinal, match="signed"):
        services.session_notes_save(
            request=None,
            actor=ready.world.clinician_a,
            session=session,
            data={"subjective": "changed"},
        )
    with pytest.raises(SignedNoteFinal, match="signed"):
        _entry(ready, session)
    addendum = services.addendum_add(
        request=None,
        actor=ready.world.clinician_a,
        session=session,
        text="Patient called: soreness eased.",
    )
    assert addendum.session == session


def test_measures_are_scored_by_the_instruments_rules(ready: Ready) -> None:
    session = _start(ready)
    nprs = services.measure_add(
        request=None,
        actor=ready.world.clinician_a,
        session=session,
        instrument="nprs",
        timing="before",
        answers=[7],
    )
    assert float(nprs.score) == 7
    with pytest.raises(services.SessionRefused, match="item 1"):
        services.measure_add(
            request=None,
            actor=ready.world.clinician_a,
            session=session,
            instrument="nprs",
            timing="after",
            answers=[12],
        )


def test_the_database_refuses_to_change_a_signed_note(ready: Ready) -> None:
    from django.db import DatabaseError, transaction

    session = _start(ready)
    entry = _entry(ready, session, needles_in=1)
    services.entry_count_out(
        request=None, actor=ready.world.clinician_a, entry=entry, needles_out=1
    )
    services.session_sign(request=None, actor=ready.world.clinician_a, session=session)
    with pytest.raises(DatabaseError), transaction.atomic():
        TreatmentSession.objects.filter(pk=session.pk).update(subjective="rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        NeedlingEntry.objects.filter(pk=entry.pk).update(needles_out=0)
    with pytest.raises(DatabaseError), transaction.atomic():
        NeedlingEntry.objects.create(
            clinic=entry.clinic,
            session=session,
            muscle="deltoid",
            side="l",
            technique="deep",
            lot=entry.lot,
            needles_in=1,
        )

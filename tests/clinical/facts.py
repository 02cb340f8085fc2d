"""Intake facts shared by the clinical tests."""

from __future__ import annotations

from datetime import date

AS_OF = date(2026, 11, 22)

# Every fact that can block answered safely, so only what a test adds shows up.
SAFE = {
    "needle_phobia": False,
    "unwilling": False,
    "can_consent": True,
    "acute_illness": False,
    "pregnant": False,
    "implanted_electrical_device": False,
    "lymphoedema_regions": [],
    "infection_regions": [],
    "implant_regions": [],
    "tumour_regions": [],
    "recent_surgery_regions": [],
}

"""Patients: registration, search, archive; the record every clinical app hangs from."""

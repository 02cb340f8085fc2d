"""Informed consent: versioned documents, e-signatures, frozen PDF copies, withdrawal."""

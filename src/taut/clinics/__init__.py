"""Clinics, their locations and who works there in which role; the one scoping mechanism."""

"""FHIR R4 export: pure mappers (resources.py), bulk queries (collect.py), $everything, $export."""

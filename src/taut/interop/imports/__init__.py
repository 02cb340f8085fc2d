"""Patient imports: CSV with a column mapping, and FHIR Patient resources; both dry-run first."""

"""The demo clinic: deterministic, realistic data to explore and test Taut with."""

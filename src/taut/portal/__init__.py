"""The patient portal: what a patient sees of their own record."""

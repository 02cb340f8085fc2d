"""Reads of the outcomes app: one patient's course (`patient_course`) and the clinic dashboard
(`clinic_dashboard`)."""

"""The `patients` URL namespace: the patients app's own pages plus the patient page above it."""

from django.urls import path

from taut.pages import patient
from taut.patients.urls import urlpatterns as patients_urlpatterns

app_name = "patients"

urlpatterns = [
    *patients_urlpatterns,
    path("<uuid:patient_id>/", patient.patient_detail, name="detail"),
]

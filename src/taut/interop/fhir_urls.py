from django.urls import path

from taut.interop import fhir_views as views

app_name = "fhir"

urlpatterns = [
    path("", views.base, name="base"),
    path("metadata", views.base, name="metadata"),
    path("Patient/<uuid:patient_id>/$everything", views.patient_everything_view, name="everything"),
    path("$export", views.export_kickoff, name="export"),
    path("Patient/$export", views.patient_export_kickoff, name="patient-export"),
    path("Group/<uuid:group_id>/$export", views.group_export_kickoff, name="group-export"),
    path("Group/<uuid:group_id>", views.group_read, name="group"),
    path("$export-status/<uuid:export_id>", views.export_status, name="export-status"),
    path(
        "$export-file/<uuid:export_id>/<str:resource_type>.ndjson",
        views.export_file,
        name="export-file",
    ),
]

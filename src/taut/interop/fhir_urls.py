from django.urls import path, re_path

from taut.interop import fhir_views as views
from taut.interop import smart_views

app_name = "fhir"

urlpatterns = [
    path("", views.base, name="base"),
    path("metadata", views.base, name="metadata"),
    path(
        ".well-known/smart-configuration",
        smart_views.smart_configuration,
        name="smart-configuration",
    ),
    path("auth/token", smart_views.token, name="token"),
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
    # Last: anything else under the base answers an OperationOutcome, never the HTML 404 page.
    re_path(r"^(?P<path>.*)$", views.not_found),
]

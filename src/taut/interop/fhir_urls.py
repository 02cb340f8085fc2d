from django.urls import path, re_path

from taut.interop import fhir_rest_views as rest
from taut.interop import fhir_views as views
from taut.interop import smart_views

app_name = "fhir"

urlpatterns = [
    path("", rest.metadata, name="base"),
    path("metadata", rest.metadata, name="metadata"),
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
    # After the operations: a resource type starts with a capital, an id has no "_" or "$".
    re_path(r"^(?P<resource_type>[A-Z][A-Za-z]+)$", rest.search_type, name="search"),
    re_path(r"^(?P<resource_type>[A-Z][A-Za-z]+)/_search$", rest.search_post, name="search-post"),
    re_path(
        r"^(?P<resource_type>[A-Z][A-Za-z]+)/(?P<resource_id>[A-Za-z0-9\-.]{1,64})$",
        rest.read,
        name="read",
    ),
    # Last: anything else under the base answers an OperationOutcome, never the HTML 404 page.
    re_path(r"^(?P<path>.*)$", views.not_found),
]

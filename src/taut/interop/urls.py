from django.urls import path

from taut.interop import client_views, views

app_name = "interop"

urlpatterns = [
    path("", views.home, name="home"),
    path("export", views.export_start, name="export"),
    path("import", views.import_upload, name="upload"),
    path("import/<uuid:import_id>", views.import_detail, name="import"),
    path("import/<uuid:import_id>/commit", views.import_commit, name="commit"),
    path("import/<uuid:import_id>/discard", views.import_discard, name="discard"),
    path("backend-clients", client_views.backend_clients, name="backend_clients"),
    path(
        "backend-clients/<uuid:client_id>/revoke",
        client_views.backend_client_revoke,
        name="backend_client_revoke",
    ),
]

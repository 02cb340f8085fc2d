from django.urls import path, re_path

from taut.api import errors, views
from taut.api.v1 import urls as api_v1_urls

app_name = "api"

urlpatterns = [
    # /api/v1/ itself answers with links rather than ninja's HTML 404.
    path("api/v1/", views.api_root),
    path("api/v1/", api_v1_urls()),
    path("api/tokens/", views.token_list, name="tokens"),
    path("api/tokens/<uuid:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    # Anything else under /api/ answers in the API's error shape, never the HTML 404 page.
    re_path(r"^api/v\d+/", errors.not_found),
]

from django.urls import path

from taut.portal import file_views

app_name = "portal_files"

urlpatterns = [
    path("", file_views.portal_files, name="home"),
]

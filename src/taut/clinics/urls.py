from django.urls import path

from taut.clinics import views

app_name = "clinics"

urlpatterns = [
    path("", views.clinic_settings, name="settings"),
    path("locations/add/", views.location_add, name="location_add"),
    path(
        "locations/<uuid:location_id>/time-zone/",
        views.location_time_zone,
        name="location_time_zone",
    ),
    path("staff/add/", views.staff_add, name="staff_add"),
    path("staff/<uuid:user_id>/remove/", views.staff_remove, name="staff_remove"),
    path(
        "staff/<uuid:user_id>/two-factor-reset/",
        views.staff_two_factor_reset,
        name="staff_two_factor_reset",
    ),
    path("staff/<uuid:user_id>/unlock/", views.staff_unlock, name="staff_unlock"),
    path("switch/", views.clinic_switch, name="switch"),
    path("logo/", views.logo_upload, name="logo_upload"),
    path("logo/remove/", views.logo_remove, name="logo_remove"),
    path("<slug:clinic_slug>/logo.png", views.logo_image, name="logo"),
]

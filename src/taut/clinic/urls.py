from django.urls import include, path

from taut.clinic import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("taut.accounts.urls")),
    path("clinic/", include("taut.clinics.urls")),
    path("patients/", include("taut.patients.urls")),
    path("patients/", include("taut.screening.urls")),
    path("consent/", include("taut.consent.urls")),
    path("chart/", include("taut.charting.urls")),
    path("audit/", include("taut.audit.urls")),
    path("portal/", include("taut.portal.urls")),
]

handler403 = "taut.clinic.errors.forbidden"
handler404 = "taut.clinic.errors.not_found"
handler500 = "taut.clinic.errors.server_error"

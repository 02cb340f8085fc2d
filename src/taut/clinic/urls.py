from django.urls import include, path, re_path

from taut.clinic import views
from taut.interop import fhir_views, smart_views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("taut.accounts.urls")),
    path("clinic/", include("taut.clinics.urls")),
    path("patients/", include("taut.pages.patient_urls")),
    path("patients/", include("taut.screening.urls")),
    path("patients/", include("taut.files.urls")),
    path("consent/", include("taut.consent.urls")),
    path("chart/", include("taut.charting.urls")),
    path("audit/", include("taut.pages.audit_urls")),
    path("portal/diary/", include("taut.portal.diary_urls")),
    path("portal/billing/", include("taut.portal.billing_urls")),
    path("portal/files/", include("taut.portal.file_urls")),
    path("portal/", include("taut.portal.urls")),
    path("schedule/", include("taut.scheduling.urls")),
    path("messages/", include("taut.messaging.urls")),
    path("book/", include("taut.scheduling.public_urls")),
    path("contact/", include("taut.messaging.public_urls")),
    path("diary/", include("taut.diary.urls")),
    path("outcomes/", include("taut.outcomes.urls")),
    path("learn/", include("taut.education.urls")),
    path("billing/", include("taut.billing.urls")),
    path("interop/", include("taut.interop.urls")),
    path("fhir/r4/", include("taut.interop.fhir_urls")),
    # Any other /fhir address answers an OperationOutcome too, never the HTML 404 page.
    re_path(r"^fhir(?P<path>/.*)?$", fhir_views.not_found),
    # SMART's discovery document also at the server root, where some clients look first.
    path(".well-known/smart-configuration", smart_views.smart_configuration),
    path("", include("taut.api.urls")),
]

handler400 = "taut.clinic.errors.bad_request"
handler403 = "taut.clinic.errors.forbidden"
handler404 = "taut.clinic.errors.not_found"
handler500 = "taut.clinic.errors.server_error"

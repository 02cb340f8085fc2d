from django.urls import include, path

from taut.clinic import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("taut.accounts.urls")),
    path("clinic/", include("taut.clinics.urls")),
    path("patients/", include("taut.pages.patient_urls")),
    path("patients/", include("taut.screening.urls")),
    path("consent/", include("taut.consent.urls")),
    path("chart/", include("taut.charting.urls")),
    path("audit/", include("taut.pages.audit_urls")),
    path("portal/diary/", include("taut.portal.diary_urls")),
    path("portal/billing/", include("taut.portal.billing_urls")),
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
    path("", include("taut.api.urls")),
]

handler400 = "taut.clinic.errors.bad_request"
handler403 = "taut.clinic.errors.forbidden"
handler404 = "taut.clinic.errors.not_found"
handler500 = "taut.clinic.errors.server_error"

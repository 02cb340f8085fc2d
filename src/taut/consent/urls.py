from django.urls import path

from taut.consent import views

app_name = "consent"

urlpatterns = [
    path("documents/", views.document_list, name="documents"),
    path("documents/<uuid:document_id>/", views.document_detail, name="document"),
    path(
        "documents/<uuid:document_id>/edit/<slug:section>/",
        views.section_edit,
        name="section",
    ),
    path("patient/<uuid:patient_id>/", views.patient_consents, name="patient"),
    path("patient/<uuid:patient_id>/sign/<slug:kind>/", views.sign_on_tablet, name="sign"),
    path("patient/<uuid:patient_id>/<uuid:consent_id>/pdf/", views.consent_pdf, name="pdf"),
    path(
        "patient/<uuid:patient_id>/<uuid:consent_id>/withdraw/",
        views.consent_withdraw,
        name="withdraw",
    ),
]

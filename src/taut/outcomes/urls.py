from django.urls import path

from taut.outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/<str:table>.csv", views.dashboard_csv, name="dashboard_csv"),
    path("patients/<uuid:patient_id>/", views.patient_page, name="patient"),
    path("patients/<uuid:patient_id>/progress-report.pdf", views.progress_pdf, name="progress_pdf"),
    path(
        "patients/<uuid:patient_id>/discharge-summary.pdf",
        views.discharge_pdf,
        name="discharge_pdf",
    ),
]

from django.urls import path

from taut.screening import views

app_name = "screening"

urlpatterns = [
    path("<uuid:patient_id>/intake/", views.intake_take, name="intake"),
    path("<uuid:patient_id>/intake/history/", views.intake_history, name="intake_history"),
    path("<uuid:patient_id>/intake/<uuid:intake_id>/", views.intake_detail, name="intake_detail"),
    path("<uuid:patient_id>/screening/", views.screening_view, name="view"),
    path("<uuid:patient_id>/screening/run/", views.screening_run, name="run"),
    path(
        "<uuid:patient_id>/screening/<uuid:screening_id>/acknowledge/",
        views.precaution_acknowledge,
        name="acknowledge",
    ),
]

from django.urls import path

from taut.patients import views

app_name = "patients"

urlpatterns = [
    path("", views.patient_list, name="list"),
    path("new/", views.patient_create, name="create"),
    path("<uuid:patient_id>/edit/", views.patient_edit, name="edit"),
    path("<uuid:patient_id>/archive/", views.patient_archive, name="archive"),
    path("<uuid:patient_id>/restore/", views.patient_restore, name="restore"),
]

from django.urls import path

from taut.files import views

app_name = "files"

urlpatterns = [
    path("<uuid:patient_id>/files/", views.file_list, name="list"),
    path("<uuid:patient_id>/files/upload/", views.file_upload, name="upload"),
    path("<uuid:patient_id>/files/<uuid:file_id>/", views.file_open, name="open"),
    path("<uuid:patient_id>/files/<uuid:file_id>/review/", views.file_review, name="review"),
    path("<uuid:patient_id>/files/<uuid:file_id>/remove/", views.file_remove, name="remove"),
]

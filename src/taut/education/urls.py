from django.urls import path

from taut.education import views

app_name = "education"

# The staff pages come first: "manage" is therefore not usable as a clinic's slug here.
urlpatterns = [
    path("manage/", views.manage_list, name="manage"),
    path("manage/<slug:topic>/", views.manage_edit, name="edit"),
    path("manage/<slug:topic>/restore/", views.manage_restore, name="restore"),
    path("<slug:clinic_slug>/", views.public_index, name="index"),
    path("<slug:clinic_slug>/<slug:topic>/", views.public_topic, name="topic"),
]

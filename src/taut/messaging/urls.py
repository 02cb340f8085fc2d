from django.urls import path

from taut.messaging import views

app_name = "messaging"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<uuid:patient_id>/", views.thread, name="thread"),
]

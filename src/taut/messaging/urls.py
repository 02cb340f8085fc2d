from django.urls import path

from taut.messaging import views, webhooks

app_name = "messaging"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("texts/", views.text_wording, name="texts"),
    path("requests/<uuid:request_id>/handled/", views.desk_request_handled, name="handled"),
    path("twilio/status/", webhooks.twilio_status, name="twilio_status"),
    path("twilio/inbound/", webhooks.twilio_inbound, name="twilio_inbound"),
    path("<uuid:patient_id>/", views.thread, name="thread"),
]

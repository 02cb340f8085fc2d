from django.urls import path

from taut.messaging import public_views

app_name = "contact"

urlpatterns = [
    path("<slug:clinic_slug>/", public_views.contact, name="form"),
    path("<slug:clinic_slug>/sent/", public_views.contact_sent, name="sent"),
]

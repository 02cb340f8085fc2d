from django.urls import path

from taut.scheduling import public_views

app_name = "booking"

urlpatterns = [
    path("<slug:clinic_slug>/", public_views.booking_start, name="start"),
    path("<slug:clinic_slug>/details/", public_views.booking_details, name="details"),
    path("<slug:clinic_slug>/done/", public_views.booking_done, name="done"),
]

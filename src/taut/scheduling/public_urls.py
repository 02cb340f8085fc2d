from django.urls import path

from taut.scheduling import offer_views, public_views

app_name = "booking"

urlpatterns = [
    path("offer/<str:token>/", offer_views.waitlist_offer, name="offer"),
    path("<slug:clinic_slug>/", public_views.booking_start, name="start"),
    path("<slug:clinic_slug>/details/", public_views.booking_details, name="details"),
    path("<slug:clinic_slug>/done/", public_views.booking_done, name="done"),
]

from django.urls import path

from taut.diary import views

app_name = "diary"

urlpatterns = [
    path("alerts/", views.alert_list, name="alerts"),
    path("alerts/<uuid:alert_id>/", views.alert_detail, name="alert"),
    path("alerts/<uuid:alert_id>/close/", views.alert_close, name="alert_close"),
]

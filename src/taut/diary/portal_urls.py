from django.urls import path

from taut.diary import portal_views

app_name = "portal_diary"

urlpatterns = [
    path("", portal_views.diary_home, name="home"),
    path("<uuid:prompt_id>/", portal_views.diary_answer, name="answer"),
    path("sessions/<uuid:session_id>/new/", portal_views.diary_extra, name="extra"),
    path("entries/<uuid:diary_entry_id>/", portal_views.diary_entry, name="entry"),
]

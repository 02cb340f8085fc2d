from django.urls import path

from taut.portal import diary_views

app_name = "portal_diary"

urlpatterns = [
    path("", diary_views.diary_home, name="home"),
    path("<uuid:prompt_id>/", diary_views.diary_answer, name="answer"),
    path("sessions/<uuid:session_id>/new/", diary_views.diary_extra, name="extra"),
    path("entries/<uuid:diary_entry_id>/", diary_views.diary_entry, name="entry"),
]

from django.urls import path

from taut.scheduling import (
    calendar_views,
    plan_views,
    series_views,
    setup_views,
    views,
    waitlist_views,
)

app_name = "scheduling"

A = "appointments/<uuid:appointment_id>/"

urlpatterns = [
    path("", views.schedule_day, name="day"),
    path("week/", views.schedule_week, name="week"),
    path("grid/", calendar_views.calendar_page, name="calendar"),
    path("grid/events/", calendar_views.calendar_events, name="calendar_events"),
    path(A + "calendar-move/", calendar_views.calendar_move, name="calendar_move"),
    path("book/<uuid:patient_id>/", views.schedule_book, name="book"),
    path("waitlist/", waitlist_views.waitlist_list, name="waitlist"),
    path("waitlist/<uuid:patient_id>/", waitlist_views.waitlist_add, name="waitlist_add"),
    path(A, views.appointment_detail, name="appointment"),
    path(A + "cancel/", views.appointment_cancel, name="cancel"),
    path(A + "arrived/", views.appointment_arrived, name="arrived"),
    path(A + "no-show/", views.appointment_no_show, name="no_show"),
    path(A + "start/", views.appointment_start_session, name="start_session"),
    path(A + "move/", views.appointment_move, name="move"),
    path(A + "move-following/", series_views.series_following_move, name="move_following"),
    path(A + "cancel-following/", series_views.series_following_cancel, name="cancel_following"),
    path("setup/", setup_views.setup_page, name="setup"),
    path("setup/hours/add/", setup_views.hours_add, name="hours_add"),
    path("setup/hours/<int:hours_id>/remove/", setup_views.hours_remove, name="hours_remove"),
    path("setup/breaks/add/", setup_views.break_add, name="break_add"),
    path("setup/breaks/<int:break_id>/remove/", setup_views.break_remove, name="break_remove"),
    path("setup/time-off/add/", setup_views.time_off_add, name="time_off_add"),
    path(
        "setup/time-off/<int:time_off_id>/remove/",
        setup_views.time_off_remove,
        name="time_off_remove",
    ),
    path("setup/types/<int:type_id>/", setup_views.type_edit, name="type_edit"),
    path("setup/resources/add/", setup_views.resource_add, name="resource_add"),
    path("setup/resources/<uuid:resource_id>/", setup_views.resource_edit, name="resource_edit"),
    path("setup/policy/", setup_views.policy_edit, name="policy"),
    path("calendar/", setup_views.my_calendar, name="my_calendar"),
    path("feed/<str:token>.ics", setup_views.calendar_feed, name="feed"),
    path("plans/new/<uuid:patient_id>/", plan_views.plan_new, name="plan_new"),
    path("plans/<uuid:plan_id>/", plan_views.plan_detail, name="plan"),
    path("plans/<uuid:plan_id>/book/", plan_views.plan_book_follow_ups, name="plan_book"),
    path("plans/<uuid:plan_id>/series/", series_views.plan_series, name="plan_series"),
    path("plans/<uuid:plan_id>/close/", plan_views.plan_close, name="plan_close"),
]

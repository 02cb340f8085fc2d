from django.urls import path

from taut.portal import appointment_views, message_views, move_views, views, waitlist_views

app_name = "portal"

urlpatterns = [
    path("", views.portal_home, name="home"),
    path("intake/", views.portal_intake, name="intake"),
    path("consent/", views.portal_consents, name="consents"),
    path("consent/sign/<slug:kind>/", views.portal_sign, name="sign"),
    path("consent/<uuid:consent_id>/pdf/", views.portal_consent_pdf, name="consent_pdf"),
    path("aftercare/", views.portal_aftercare, name="aftercare"),
    path("appointments/", appointment_views.portal_appointments, name="appointments"),
    path("messages/", message_views.portal_messages, name="messages"),
    path("waitlist/", waitlist_views.portal_waitlist, name="waitlist"),
    path(
        "waitlist/<uuid:waitlist_id>/leave/",
        waitlist_views.portal_waitlist_leave,
        name="waitlist_leave",
    ),
    path(
        "appointments/<uuid:appointment_id>.ics",
        appointment_views.portal_appointment_ics,
        name="appointment_ics",
    ),
    path(
        "appointments/<uuid:appointment_id>/cancel/",
        appointment_views.portal_appointment_cancel,
        name="appointment_cancel",
    ),
    path(
        "appointments/<uuid:appointment_id>/move/",
        move_views.portal_appointment_move,
        name="appointment_move",
    ),
    path("aftercare/<uuid:session_id>.pdf", views.portal_aftercare_pdf, name="aftercare_pdf"),
    path(
        "consent/<uuid:consent_id>/withdraw/",
        views.portal_consent_withdraw,
        name="consent_withdraw",
    ),
]

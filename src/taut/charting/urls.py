from django.urls import path

from taut.charting import stock_views, views

app_name = "charting"

S = "<uuid:patient_id>/sessions/<uuid:session_id>/"

urlpatterns = [
    path("<uuid:patient_id>/sessions/", views.session_list, name="sessions"),
    path("<uuid:patient_id>/sessions/start/", views.session_start, name="start"),
    path(S, views.session_page, name="session"),
    path(S + "notes/", views.notes_save, name="notes"),
    path(S + "classify/", views.session_classify, name="session_classify"),
    path(S + "suggestions/", views.suggestions, name="suggestions"),
    path(S + "entries/", views.entry_add, name="entry_add"),
    path(S + "entries/check/", views.entry_check, name="entry_check"),
    path(S + "entries/<int:entry_id>/count/", views.entry_count, name="entry_count"),
    path(S + "measures/", views.measure_add, name="measure_add"),
    path(S + "adverse-events/", views.adverse_event_add, name="adverse_event_add"),
    path(S + "sign/", views.session_sign, name="sign"),
    path(S + "addenda/", views.addendum_add, name="addendum_add"),
    path(S + "late-adverse-events/", views.late_event_add, name="late_event_add"),
    path(S + "<slug:kind>.pdf", views.session_document, name="document"),
    path("needles/", stock_views.stock, name="stock"),
    path("needles/products/", stock_views.product_add, name="product_add"),
    path("needles/lots/", stock_views.lot_add, name="lot_add"),
    path("practitioners/", stock_views.practitioners, name="practitioners"),
    path("practitioners/<uuid:user_id>/", stock_views.practitioner_save, name="practitioner_save"),
]

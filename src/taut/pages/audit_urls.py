from django.urls import path

from taut.pages import audit_log

app_name = "audit"

urlpatterns = [
    path("", audit_log.audit_log, name="log"),
]

from django.urls import path

from taut.portal import billing_views as portal_views

app_name = "portal_billing"

urlpatterns = [
    path("", portal_views.home, name="home"),
    path("invoices/<uuid:invoice_id>.pdf", portal_views.invoice_pdf, name="invoice_pdf"),
    path(
        "invoices/<uuid:invoice_id>/credit-note.pdf",
        portal_views.credit_note_pdf,
        name="credit_note_pdf",
    ),
    path("receipts/<uuid:ledger_entry_id>.pdf", portal_views.receipt_pdf, name="receipt_pdf"),
]

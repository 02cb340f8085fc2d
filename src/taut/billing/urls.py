from django.urls import path

from taut.billing import views

app_name = "billing"

urlpatterns = [
    path("setup/", views.setup, name="setup"),
    path("takings/", views.takings, name="takings"),
    path("takings.csv", views.takings_csv, name="takings_csv"),
    path("patients/<uuid:patient_id>/", views.account, name="account"),
    path("patients/<uuid:patient_id>/payments/", views.payment, name="payment"),
    path("patients/<uuid:patient_id>/packages/", views.package_sell, name="package_sell"),
    path(
        "patients/<uuid:patient_id>/packages/<uuid:package_id>/refund/",
        views.package_refund,
        name="package_refund",
    ),
    path(
        "patients/<uuid:patient_id>/entries/<uuid:ledger_entry_id>/refund/",
        views.refund,
        name="refund",
    ),
    path(
        "patients/<uuid:patient_id>/entries/<uuid:ledger_entry_id>/reverse/",
        views.reverse,
        name="reverse",
    ),
    path(
        "patients/<uuid:patient_id>/entries/<uuid:ledger_entry_id>/receipt.pdf",
        views.receipt_pdf,
        name="receipt_pdf",
    ),
    path(
        "patients/<uuid:patient_id>/appointments/<uuid:appointment_id>/late-fee/",
        views.late_fee_charge,
        name="late_fee_charge",
    ),
    path(
        "patients/<uuid:patient_id>/appointments/<uuid:appointment_id>/late-fee/waive/",
        views.late_fee_waive,
        name="late_fee_waive",
    ),
    path(
        "patients/<uuid:patient_id>/sessions/<uuid:session_id>/invoice/",
        views.invoice_draft,
        name="invoice_draft",
    ),
    path("patients/<uuid:patient_id>/invoices/<uuid:invoice_id>/", views.invoice, name="invoice"),
    path(
        "patients/<uuid:patient_id>/invoices/<uuid:invoice_id>/issue/",
        views.invoice_issue,
        name="invoice_issue",
    ),
    path(
        "patients/<uuid:patient_id>/invoices/<uuid:invoice_id>/void/",
        views.invoice_void,
        name="invoice_void",
    ),
    path(
        "patients/<uuid:patient_id>/invoices/<uuid:invoice_id>/invoice.pdf",
        views.invoice_pdf,
        name="invoice_pdf",
    ),
    path(
        "patients/<uuid:patient_id>/invoices/<uuid:invoice_id>/credit-note.pdf",
        views.credit_note_pdf,
        name="credit_note_pdf",
    ),
]

"""Twilio's calls to Taut: delivery status of a sent text, and a patient's text reply.

Each request is checked against its X-Twilio-Signature (HMAC-SHA1 of the URL Twilio called and
the posted fields, keyed with the account's auth token); anything else is refused with 403. The
URL is rebuilt from TAUT_BASE_URL, the address Twilio was given, not from the request's Host.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from taut import clock
from taut.messaging.replies import inbound_text_receive
from taut.messaging.services import sms_status_record


def signed_by_twilio(view: Any) -> Any:
    @csrf_exempt
    @require_POST
    @wraps(view)
    def checked(request: HttpRequest) -> HttpResponse:
        token = settings.TWILIO_AUTH_TOKEN
        url = settings.TAUT_BASE_URL + request.get_full_path()
        signature = request.headers.get("X-Twilio-Signature", "")
        fields = {key: request.POST.get(key) for key in request.POST}
        if not token or not RequestValidator(token).validate(url, fields, signature):
            return HttpResponseForbidden("The request is not signed by Twilio.")
        response: HttpResponse = view(request)
        return response

    return checked


@signed_by_twilio
def twilio_status(request: HttpRequest) -> HttpResponse:
    sms_status_record(
        provider_id=request.POST.get("MessageSid", ""),
        provider_status=request.POST.get("MessageStatus", ""),
        error_code=request.POST.get("ErrorCode", ""),
    )
    return HttpResponse(status=204)


@signed_by_twilio
def twilio_inbound(request: HttpRequest) -> HttpResponse:
    answer = inbound_text_receive(
        number=request.POST.get("From", ""), body=request.POST.get("Body", ""), now=clock.now()
    )
    reply = MessagingResponse()
    if answer is not None:
        reply.message(str(answer))
    return HttpResponse(str(reply), content_type="text/xml")

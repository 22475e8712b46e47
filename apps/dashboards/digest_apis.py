"""The weekly digest in the API: the caller's own subscription and send-now, and the admins' list of
addresses without an account and its send-now (docs/leadership-report.md). The same services and the
same role rules as the digest page: managers and admins for their own digest, admins for the list."""

from typing import Any

from django.conf import settings
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.capabilities import can_manage_users, can_view_dashboards
from apps.core.access import CapabilityApiMixin
from apps.dashboards.models import DigestExternalRecipient
from apps.dashboards.selectors.digest import digest_external_recipients, digest_is_subscribed, digest_week_current
from apps.dashboards.services import (
    DIGEST_EXTERNAL_MAX,
    digest_recipient_remove,
    digest_recipients_add,
    digest_send_now,
    digest_send_to_list,
    digest_subscribe,
    digest_unsubscribe,
)

KEY_HELP = (
    "A random key made for this one click: 32 lowercase hexadecimal characters (128 bits), new for each "
    "send. A request repeated with the same key (a retry, a double click) sends nothing more and answers "
    "`sent: false`."
)


class DigestSendKeySerializer(serializers.Serializer):
    key = serializers.RegexField(r"^[0-9a-f]{32}$", help_text=KEY_HELP)


class DigestSubscriptionOutputSerializer(serializers.Serializer):
    subscribed = serializers.BooleanField(help_text="Whether the Monday digest email comes to you (on by default).")
    email = serializers.EmailField(help_text="The address it goes to: your account's.")
    week_start = serializers.DateField(help_text="The Monday of this week's digest (company time).")


class DigestSubscriptionInputSerializer(serializers.Serializer):
    subscribed = serializers.BooleanField(help_text="true: turn the Monday digest on; false: turn it off (kept).")


def _subscription(user: Any) -> dict[str, Any]:
    return {"subscribed": digest_is_subscribed(user=user), "email": user.email, "week_start": digest_week_current()}


class DigestSubscriptionApi(CapabilityApiMixin, APIView):
    """Your own weekly digest email (managers and admins): on by default; turning it off is kept."""

    capability = staticmethod(can_view_dashboards)

    @extend_schema(responses={200: DigestSubscriptionOutputSerializer})
    def get(self, request: Request) -> Response:
        return Response(DigestSubscriptionOutputSerializer(_subscription(request.user)).data)

    @extend_schema(request=DigestSubscriptionInputSerializer, responses={200: DigestSubscriptionOutputSerializer})
    def patch(self, request: Request) -> Response:
        serializer = DigestSubscriptionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if serializer.validated_data["subscribed"]:
            digest_subscribe(user=request.user)
        else:
            digest_unsubscribe(user=request.user)
        return Response(DigestSubscriptionOutputSerializer(_subscription(request.user)).data)


class DigestSendOutputSerializer(serializers.Serializer):
    sent = serializers.BooleanField(help_text="false: this key was already used, nothing more was sent.")
    email = serializers.EmailField(help_text="The address it goes to.")
    week_start = serializers.DateField(help_text="The Monday of the digest sent.")


class DigestSendNowApi(CapabilityApiMixin, APIView):
    """Send this week's digest to your own address now, through the outbox: the email the preview shows
    and Monday's job sends. Idempotent per `key`: the same key twice sends once. Audit-logged."""

    capability = staticmethod(can_view_dashboards)

    @extend_schema(request=DigestSendKeySerializer, responses={200: DigestSendOutputSerializer})
    def post(self, request: Request) -> Response:
        serializer = DigestSendKeySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        sent = digest_send_now(user=request.user, key=serializer.validated_data["key"])
        body = {"sent": sent, "email": request.user.email, "week_start": digest_week_current()}
        return Response(DigestSendOutputSerializer(body).data)


class DigestRecipientOutputSerializer(serializers.ModelSerializer):
    unsubscribed = serializers.SerializerMethodField(
        help_text="The address unsubscribed with its email's link: it gets no digest until removed."
    )

    class Meta:
        model = DigestExternalRecipient
        fields = ["id", "email", "language", "created_at", "unsubscribed", "unsubscribed_at"]
        extra_kwargs = {"language": {"help_text": "Its digest's language; blank: the company's."}}

    def get_unsubscribed(self, recipient: DigestExternalRecipient) -> bool:
        return recipient.unsubscribed_at is not None


class DigestRecipientsInputSerializer(serializers.Serializer):
    emails = serializers.ListField(
        child=serializers.CharField(max_length=254),
        min_length=1,
        max_length=DIGEST_EXTERNAL_MAX,
        help_text=f"Addresses to add. Each must be an email address; ones already listed (in any case) are "
        f"skipped; the list holds at most {DIGEST_EXTERNAL_MAX}. One bad address adds nothing.",
    )
    language = serializers.ChoiceField(
        choices=[code for code, _name in settings.LANGUAGES],
        required=False,
        allow_blank=True,
        default="",
        help_text="The language of their digest; blank: the company's.",
    )


class DigestRecipientListApi(CapabilityApiMixin, APIView):
    """The company's digest list of addresses without an account (admins), unsubscribed ones included."""

    capability = staticmethod(can_manage_users)

    @extend_schema(responses={200: DigestRecipientOutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response(DigestRecipientOutputSerializer(digest_external_recipients(), many=True).data)

    @extend_schema(
        request=DigestRecipientsInputSerializer,
        responses={201: DigestRecipientOutputSerializer(many=True)},
        description="Add addresses; answers the ones added (duplicates skipped). Audit-logged (counts only).",
    )
    def post(self, request: Request) -> Response:
        serializer = DigestRecipientsInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        added = digest_recipients_add(acting_user=request.user, emails=data["emails"], language=data["language"])
        return Response(DigestRecipientOutputSerializer(added, many=True).data, status=status.HTTP_201_CREATED)


class DigestRecipientDetailApi(CapabilityApiMixin, APIView):
    capability = staticmethod(can_manage_users)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, recipient_id: int) -> Response:
        """Remove an address from the list, with its deliveries (its erasure). Audit-logged."""
        if not digest_recipient_remove(acting_user=request.user, recipient_id=recipient_id):
            raise Http404
        return Response(status=status.HTTP_204_NO_CONTENT)


class DigestListSendOutputSerializer(serializers.Serializer):
    sent = serializers.BooleanField(help_text="false: this key was already used, nothing more was sent.")
    queued = serializers.IntegerField(help_text="Emails queued by this request: one per subscribed address.")
    week_start = serializers.DateField(help_text="The Monday of the digest sent.")


class DigestListSendApi(CapabilityApiMixin, APIView):
    """Send this week's digest now to every subscribed address of the list (admins), each in its language
    with its own unsubscribe link, through the outbox. Idempotent per `key`: the same key twice (even
    at once) sends once. Monday's digest to the list still goes out. Audit-logged."""

    capability = staticmethod(can_manage_users)

    @extend_schema(request=DigestSendKeySerializer, responses={200: DigestListSendOutputSerializer})
    def post(self, request: Request) -> Response:
        serializer = DigestSendKeySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        queued = digest_send_to_list(acting_user=request.user, key=serializer.validated_data["key"])
        body = {"sent": queued is not None, "queued": queued or 0, "week_start": digest_week_current()}
        return Response(DigestListSendOutputSerializer(body).data)

"""The comments API: what customers wrote, with the comments page's filters and search (docs/comments.md)."""

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.capabilities import can_view_dashboards
from apps.core.access import CapabilityApiMixin
from apps.core.db_routing import replica_reads
from apps.dashboards.forms import LANGUAGE_CHOICES, comment_cursor
from apps.dashboards.periods import MAX_CUSTOM_DAYS
from apps.dashboards.selectors.comments import PAGE_SIZE, SCORE_GROUPS, CommentCriteria, comment_page_build
from apps.surveys.comment_search import COUNT_LIMIT, SEARCH_MAX_LENGTH
from apps.tenants.selectors import company_day_start, company_today

DEFAULT_PERIOD_DAYS = 90
MAX_PAGE_SIZE = 200


class CommentFilterSerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=SEARCH_MAX_LENGTH,
        help_text='Words to search for, as in a web search: "quoted phrase", or, -excluded. Each comment is '
        "matched in its own language (Finnish, Swedish, English; others word for word). One word also "
        "matches words that start with it.",
    )
    start = serializers.DateField(required=False, help_text="First day (company time). Default: 90 days before end.")
    end = serializers.DateField(required=False, help_text="Last day, included (company time). Default: today.")
    path = serializers.IntegerField(required=False, min_value=1, help_text="Service path id.")
    touchpoint = serializers.IntegerField(required=False, min_value=1, help_text="Touchpoint id.")
    persona = serializers.IntegerField(required=False, min_value=1, help_text="Buyer persona id (the customer's).")
    location = serializers.IntegerField(
        required=False, min_value=1, help_text="Location id: answers to encounters at that location."
    )
    region = serializers.IntegerField(
        required=False, min_value=1, help_text="Region id: answers at any location in it or in a region below it."
    )
    score = serializers.ChoiceField(
        choices=list(SCORE_GROUPS), required=False, help_text="Comments whose response is in this score group."
    )
    language = serializers.ChoiceField(
        choices=[code for code, _label in LANGUAGE_CHOICES if code], required=False, help_text="The answer's language."
    )
    after = serializers.RegexField(
        r"^\d{1,20}\.\d{1,12}$", required=False, help_text="The `after` of the previous page's `next`: older comments."
    )
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=MAX_PAGE_SIZE, default=PAGE_SIZE)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        end = attrs.get("end") or company_today()
        start = attrs.get("start") or end - dt.timedelta(days=DEFAULT_PERIOD_DAYS - 1)
        if end < start:
            raise serializers.ValidationError({"end": [_("The period ends before it starts.")]})
        if (end - start).days + 1 > MAX_CUSTOM_DAYS:
            raise serializers.ValidationError({"end": [_("A period can be at most three years long.")]})
        if attrs.get("location") and attrs.get("region"):
            raise serializers.ValidationError({"region": [_("Choose a location or a region, not both.")]})
        attrs["start"], attrs["end"] = start, end
        if attrs.get("after"):
            micros, answer_id = attrs["after"].split(".")
            try:
                at = dt.datetime.fromtimestamp(int(micros) / 1_000_000, tz=dt.UTC)
            except (OverflowError, OSError, ValueError):
                raise serializers.ValidationError({"after": [_("This page link is not valid.")]}) from None
            attrs["after"] = (at, int(answer_id))
        return attrs


class CommentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The answer's id.")
    text = serializers.CharField()
    highlighted = serializers.CharField(
        allow_null=True, help_text="With a search: the text as HTML, escaped, the matches in <mark>."
    )
    language = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    nps = serializers.IntegerField(allow_null=True)
    nps_group = serializers.CharField(help_text="promoter, passive, detractor, or empty without an NPS answer.")
    csat = serializers.IntegerField(allow_null=True)
    ces = serializers.IntegerField(allow_null=True)
    path = serializers.IntegerField(allow_null=True)
    touchpoint = serializers.IntegerField(allow_null=True)
    location = serializers.IntegerField(allow_null=True)
    persona = serializers.IntegerField(allow_null=True)
    customer = serializers.IntegerField(allow_null=True, help_text="The customer's id; none for an anonymous answer.")
    response = serializers.IntegerField()


def _row(answer: Any) -> dict[str, Any]:
    response = answer.response
    encounter, customer = response.encounter, response.customer
    return {
        "id": answer.pk,
        "text": answer.text,
        "highlighted": str(answer.highlighted) if answer.highlighted is not None else None,
        "language": answer.language,
        "submitted_at": serializers.DateTimeField().to_representation(response.submitted_at),
        "nps": answer.nps,
        "nps_group": answer.nps_group,
        "csat": answer.csat,
        "ces": answer.ces,
        "path": response.path_id,
        "touchpoint": response.touchpoint_id,
        "location": encounter.location_id if encounter else None,
        "persona": customer.persona_id if customer else None,
        "customer": response.customer_id,
        "response": response.pk,
    }


class CommentListApi(CapabilityApiMixin, APIView):
    """Customers' comments, newest first, filtered and searched; managers scoped to locations get theirs.
    Paged by keyset: `next` is the URL of the older comments, null on the last page."""

    capability = staticmethod(can_view_dashboards)

    @extend_schema(
        parameters=[CommentFilterSerializer],
        responses=inline_serializer(
            "CommentPage",
            {
                "count": serializers.IntegerField(
                    allow_null=True,
                    help_text="How many comments match in all (every page, not just this one): exact up to "
                    "`count_limit`; null when more match than that.",
                ),
                "count_limit": serializers.IntegerField(
                    help_text=f"The largest number counted exactly ({COUNT_LIMIT}): a null `count` means more "
                    "than this many match."
                ),
                "next": serializers.URLField(allow_null=True),
                "results": CommentOutputSerializer(many=True),
            },
        ),
    )
    @replica_reads()
    def get(self, request: Request) -> Response:
        filters = CommentFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        criteria = CommentCriteria(
            since=company_day_start(data["start"]),
            until=company_day_start(data["end"] + dt.timedelta(days=1)),
            search=data.get("q", ""),
            touchpoint_id=data.get("touchpoint"),
            path_id=data.get("path"),
            persona_id=data.get("persona"),
            location_id=data.get("location"),
            region_id=data.get("region"),
            language=data.get("language", ""),
            score_group=data.get("score", ""),
        )
        page = comment_page_build(user=request.user, criteria=criteria, after=data.get("after"), size=data["page_size"])
        following = None
        if page.following is not None:
            query = request.query_params.copy()
            query["after"] = comment_cursor(page.following)
            following = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
        return Response(
            {
                "count": page.total.exact,
                "count_limit": COUNT_LIMIT,
                "next": following,
                "results": [_row(row) for row in page.rows],
            }
        )

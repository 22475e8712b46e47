from typing import Any

from django.core.paginator import InvalidPage
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request


class StandardPagination(PageNumberPagination):
    """Pages of 50; `page_size` asks for 1 to 500 (more is cut to 500), anything else is a field error.

    DRF would quietly fall back to the default size for `?page_size=abc`, which
    hides a client's mistake.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    page_size_query_description = gettext_lazy("Results per page, 1 to 500 (a larger number gives 500).")

    def get_page_size(self, request: Request) -> int:
        value = request.query_params.get(self.page_size_query_param, "")
        if value == "":
            return self.page_size
        try:
            size = int(value)
        except ValueError:
            size = 0
        if size < 1:
            raise ValidationError({self.page_size_query_param: [_("Enter a whole number of at least 1.")]})
        return min(size, self.max_page_size)

    def page_slice(self, queryset: QuerySet[Any], request: Request) -> QuerySet[Any]:
        """The requested page of `queryset`, not yet read, so the caller reads it as it needs (as
        `.values()` rows, say); the count is taken on `queryset` as given, without the joins a
        `.values()` of related fields would add to it. A page past the end is a 404, as with
        `paginate_queryset`; `get_paginated_response` answers afterwards."""
        self.request = request
        paginator = self.django_paginator_class(queryset, self.get_page_size(request))
        page_number = self.get_page_number(request, paginator)
        try:
            self.page = paginator.page(page_number)
        except InvalidPage as error:
            raise NotFound(self.invalid_page_message.format(page_number=page_number, message=str(error))) from error
        if paginator.num_pages > 1 and self.template is not None:
            self.display_page_controls = True
        return self.page.object_list

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["minimum"] = 1
            elif parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters

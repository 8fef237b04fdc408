"""Pages of API lists: numbered from 1, and a page number that is not one is an error, not page 1."""
import re

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

PAGE_NUMBER = re.compile(r"[0-9]+")


class StrictPageNumberPagination(PageNumberPagination):
    """DRF's page numbers, validated: ``?page=`` must be a whole number from 1 (400 otherwise);
    a page past the last one is a 404."""

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param)
        if raw is None:
            return 1
        if not PAGE_NUMBER.fullmatch(raw) or int(raw) < 1:
            raise ValidationError({self.page_query_param: [_("Give a page number: a whole number from 1.")]})
        return int(raw)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination

from api.errors import ParameterError

MAX_PAGE_SIZE = 100


class ApiPagination(PageNumberPagination):
    """``{count, next, previous, results}``; a bad page or page size is a 400 naming it."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}
            elif parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        # Digits only: int() would also take " 7", "\n7", "+7" and "7_0".
        size = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 4 else 0
        if not 1 <= size <= self.max_page_size:
            raise ParameterError(
                "page_size",
                _("page_size skal være et helt tal fra 1 til %(max)d.") % {"max": MAX_PAGE_SIZE},
            )
        return size

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param, "1")
        if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:  # not "²", which int refuses
            raise ParameterError("page", _("page skal være et positivt helt tal."))
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as exc:  # DRF's answer to a page past the end
            raise ParameterError(
                "page", _("Siden findes ikke: der er ikke så mange sider.")
            ) from exc

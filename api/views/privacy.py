"""``/api/v1/privacy/``: the privacy text a sign-up consents to, for the form that shows it."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers.privacy import PrivacySerializer
from api.views.base import ERRORS
from events.registrations.selectors import privacy_notice


class PrivacyView(APIView):
    @extend_schema(
        operation_id="privacy_retrieve",
        summary="The privacy text a sign-up consents to",
        description="Show it beside the sign-up form, and send its `version` as the sign-up's "
        "`privacy_version`. Plain text: insert it as text, a paragraph per blank-line-separated "
        "part.",
        responses={200: PrivacySerializer, 503: ERRORS[503]},
    )
    def get(self, request: Request) -> Response:
        return Response(PrivacySerializer(privacy_notice()).data)

"""The privacy text a sign-up consents to."""

from __future__ import annotations

from rest_framework import serializers


class PrivacySerializer(serializers.Serializer):
    version = serializers.CharField(
        help_text="Send it as the sign-up's `privacy_version`: the registration records it."
    )
    text = serializers.CharField(
        help_text="Plain Danish text (not HTML); paragraphs are separated by a blank line."
    )

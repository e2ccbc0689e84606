"""API rate limiting. Its own module: DRF imports throttle classes while defining APIView,
so this must not import DRF's views (debates.api does)."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle


class ArchiveAnonThrottle(AnonRateThrottle):
    """The anonymous rate, read from settings at request time (API_THROTTLE_RATE), so an
    operator sets it by environment and a test can change it."""

    def get_rate(self):
        return settings.API_THROTTLE_RATE

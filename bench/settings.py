"""The production settings plus a hello-world route, for measuring the server's ceiling."""

from safeguarding_archive.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

"""The platform client for the configured dialect: the one place that picks the adapter.

Everything above it (snapshots, kinds, doctor, export) calls the same methods, each naming its
target org first; on genesys-cloud those calls go to the org's own admin client.
"""

from __future__ import annotations

from typing import Any

from orgaccess.platform.client import PlatformClient
from orgaccess.platform.dialect import Dialect
from orgaccess.platform.genesys.client import GenesysClient
from orgaccess.platform.ratebudget import buckets_from_env
from orgaccess.platform.settings import Settings

Client = PlatformClient | GenesysClient


def connect(settings: Settings, **options: Any) -> Client:
    """A client of the platform `settings` describe; `options` go to each PlatformClient."""
    options.setdefault("ca_bundle", settings.ca_bundle)
    # One set for every org's client: on genesys-cloud each org is a client of its own.
    options.setdefault("buckets", buckets_from_env())
    if settings.platform is Dialect.GENESYS_CLOUD:
        credentials = {org: (c.clientId, c.clientSecret) for org, c in settings.org_credentials}
        return GenesysClient(settings.api_url, credentials, **options)
    return PlatformClient(settings.api_url, settings.client_id, settings.client_secret, **options)

"""orgaccess: declare cross-org access as code, detect drift, reconcile it with Pulumi."""

__version__ = "0.1.0"

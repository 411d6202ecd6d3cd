"""orgaccess's Pulumi dynamic resources: `pulumi-python:dynamic/orgaccess:<Kind>`.

Thin on purpose: the engine pickles the provider into the state and runs that pickle
on refresh and destroy (pulumi#6490), so the provider only names its kind and calls
the `orgaccess` package, imported fresh in each provider process.
"""

from providers.resources import Convergence, resource_type

__all__ = ["Convergence", "resource_type"]

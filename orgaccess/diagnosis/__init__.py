"""The doctor's causes of the partner-org 403 (docs/causes.md), as checks a dialect builds on.

`findings` holds what a diagnosis reports; `checks` the checks every dialect shares and the
frame of one diagnosis. Each dialect (orgaccess.dialects) adds its own checks and its app probe;
orgaccess.reports.doctor runs them over a fleet.
"""

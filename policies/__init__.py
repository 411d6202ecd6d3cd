"""The orgaccess policy pack (__main__.py); a package so that linters tell it from ../__main__.py."""

"""The `orgaccess` command line."""

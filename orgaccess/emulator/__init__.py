"""The platform emulator: a real HTTP server serving docs/api.md.

Run it with `orgaccess emulator` (or `python -m orgaccess.emulator`); drive it from tests with
`orgaccess.emulator.harness.running_emulator`. The audit reasons it records are listed in
`orgaccess.emulator.reasons`.
"""

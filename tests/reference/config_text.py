"""TOML text the Python test tools share, written once: the [fx] table of
every test config (USD/HKD, accepted band 7.70-7.90), as config/*.toml and
the C++ tests' kBaseToml (tests/support/test_config.hpp) spell it.

Used by gen_market_days.py (the market-days scenario's config) and
tests/apps/venue_gen_test.py (the pinned universe); both append their own
[defaults] and tables after it."""

FX_TABLE = """\
[fx]
pair = "USDHKD"
min = 7.70
max = 7.90
"""

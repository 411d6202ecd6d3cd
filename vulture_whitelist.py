"""Names vulture takes for dead that a framework or the wire uses (`make lint`, [tool.vulture] in pyproject.toml).

vulture sees a name used only where this code reads it. Whatever a library reads or calls by name,
or a model writes to JSON, is alive without that: each entry says who uses it. Functions a framework
registers by decorator (FastAPI routes and exception handlers, typer commands, pytest fixtures,
pydantic validators) need no entry: `ignore_decorators` in pyproject.toml covers them.
"""

from vulture.whitelist_utils import Whitelist

_ = Whitelist()

# pydantic reads these by name: a model's configuration, and its hook after validation.
_.model_config
_.model_post_init

# pytest: the hooks of tests/conftest.py, their arguments (passed by name), the exit code a hook
# sets on the session, and the marks a module gives all its tests.
_.pytest_addoption
_.pytest_collection_modifyitems
_.pytest_sessionstart
_.pytest_sessionfinish
_.exitstatus
_.pytestmark

# http.server calls a handler's do_<METHOD> and log_message (the tests' loopback servers).
_.do_GET
_.do_PUT
_.do_DELETE
_.do_CONNECT
_.log_message

# The Genesys SDK reads a response's header through getheader (tests/genesys/sdk_shape.py) and
# sends a request model's attributes (tests/genesys/test_genesys_oauth_errors.py).
_.getheader
_.registered_redirect_uri

# http.client makes each answer of a connection with its response_class (orgaccess/platform/_wire.py).
_.response_class

# PyYAML asks its dumper whether to write an alias (orgaccess/emulator/fleet_scenario.py).
_.ignore_aliases

# The __exit__ protocol fixes the parameters, used or not.
_.exc_type
_.tb

# The TypeVar bound names the protocol by a string (orgaccess/platform/client.py).
_._Entity

# Pulumi's dynamic provider reads it off the provider class (providers/provider.py, tests/enginecheck.py).
_.serialize_as_secret_always

# Attributes the runtime reads: the module a traceback names, the traceback depth, whether the
# context is shown (as `raise ... from`), the row type of sqlite3, the browser selenium starts.
_.__module__
_.tracebacklimit
_.__suppress_context__
_.row_factory
_.binary_location

# The emulator's routes leave these in the request's state; its audit log reads them by key
# (orgaccess/emulator/audit.py).
_.audit_client
_.audit_org
_.audit_reason

# Wire fields: the emulator writes them in its answers and the clients accept them, as the platform
# has them (orgaccess/platform/models.py, orgaccess/platform/genesys/wire.py).
_.token_type
_.conversationId
_.userId
_.startTime
_.durationMs
_.mediaUri
_.DISABLED
_.INACTIVE
_.firstUri
_.selfUri
_.nextUri
_.previousUri
_.lastUri
_.homeDivision
_.registeredRedirectUri
_.dateCreated
_.defaultRoleId
_.grantMadeAt

# Benchmark figures: written to the results' JSON by dataclasses.asdict (bench/audit.py, bench/run.py).
_.token_calls
_.max_calls_one_org
_.rate_limited_unhonoured

# uvicorn's Server polls these flags to stop (tests/reconciler/support.py serves the emulator in a thread).
_.should_exit
_.force_exit

# psutil reads a Process's cached start time by this name; a recovery spec sets it to stand for a reused pid.
_._create_time

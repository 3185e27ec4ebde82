"""Names vulture cannot see used: public API, and names Python or jsii use by protocol.

vulture (run by `python3 dev.py test`, configured under [tool.vulture]) reports code
that nothing in the package uses; each name here is used from outside it. Keep the list
short: a name that is here only because nothing uses it should be removed instead.
"""

# Public API: the lazy exports of snowssi_constructs/__init__.py name these by string,
# and users read construct attributes the package itself does not.
SnowSSIStack
shared_settings  # SnowSSIStack: the resolved shared settings
encryption  # EncryptedBucket's resources, for users to extend
public_access_block
ownership_controls
stage_name  # ExternalStage
raise_if_any  # validation.Problems without `with`
random  # ProviderVersions field, read by name in pin_versions
transfers  # SnowSSIBootstrap: the grant_ownership resources of a transfer
ACCOUNT_PRIVILEGES  # bootstrap: the account privileges it grants without options
refresh_task  # SnowSSIPipeline: the optional resources, for users to extend
lifecycle_configuration  # EncryptedBucket
# privileges: the documented privileges as data, read by tests/test_bootstrap.py
privilege
on
named_by
source
required_privileges

# snowssi_constructs.testing: pytest finds the plugin's fixtures by name; the assembly's
# provider version and load time are read by the schema tests and the benchmark.
snowssi_synth
snowssi_snapshot
provider_version
load_seconds

# Diagnostics of the start-up hook, read by the tests and the benchmark.
load_modes
kernel_mode

# Python's protocols: a module's __dir__, __all__ and __loader__, __exit__'s arguments.
__dir__
__all__
__loader__
exc_type
traceback

# jsii's producer interface (IListProducer, IStringProducer) passes the context.
context

# snowssi_constructs.testing.integration_facts: for users' tests of a stack with failure
# alerts (the library's own tests call it).
publishing_role_trusts

# FailureAlerts.publisher: the publishing role, a documented attribute (docs/constructs.md).
publisher

# app_checks._AppCheck.validate: the CDK calls it back (constructs' IValidation) at synthesis.
validate

# testing.fixture_types.SynthFixture.__call__: a Protocol's signature, for type checkers.
__call__

# testing.schema.write_current_schema: `python3 dev.py schema` calls it.
write_current_schema

# app_checks.facts_of_app: what an app's stacks recorded for the checks, for tests.
facts_of_app

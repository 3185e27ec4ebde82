"""Credentials reach Terraform only through variables, tfvars or the providers' own
environment variables: none may land in the synthesized JSON."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import ROOT

SECRETS = {
    "AWS_ACCESS_KEY_ID": "AKIASNOWSSITESTKEY01",
    "AWS_SECRET_ACCESS_KEY": "snowssi-test-secret-key-value-0123456789",
    "AWS_SESSION_TOKEN": "snowssi-test-session-token",
    "SNOWFLAKE_PASSWORD": "snowssi-test-password",
    "SNOWFLAKE_USER": "snowssi-test-user",
    "SNOWFLAKE_PRIVATE_KEY": "snowssi-test-private-key",
    "TF_VAR_password": "snowssi-test-tfvar-password",
    "TF_VAR_secret_key": "snowssi-test-tfvar-secret",
}


@pytest.mark.integration
def test_credentials_in_the_environment_never_reach_the_json(tmp_path: Path):
    env = {**os.environ, **SECRETS}
    subprocess.run(
        [sys.executable, str(ROOT / "main.py")], cwd=tmp_path, env=env, check=True, timeout=300
    )
    text = (tmp_path / "cdktf.out" / "stacks" / "snowssi" / "cdk.tf.json").read_text()
    for name, value in SECRETS.items():
        assert value not in text, f"{name} leaked into the synthesized JSON"


def test_credential_variables_are_sensitive_and_have_no_value(default_document):
    for name in ("access_key", "secret_key", "password"):
        variable = default_document["variable"][name]
        assert variable["sensitive"] is True
        assert variable["default"] is None

"""Options are resolved once: defaults, then a preset, then the user's values, into one
frozen value per pipeline (and one for the shared resources) read by attribute."""

from __future__ import annotations

import dataclasses
import typing

import pytest

from snowssi_constructs.options import (
    HARDENED,
    PipelineOptions,
    PipelineSettings,
    SharedOptions,
    SharedSettings,
)


def test_the_options_and_the_settings_name_the_same_keys():
    assert set(typing.get_type_hints(PipelineOptions)) == {
        field.name for field in dataclasses.fields(PipelineSettings)
    }
    assert set(typing.get_type_hints(SharedOptions)) == {
        field.name for field in dataclasses.fields(SharedSettings)
    }


def test_the_defaults_are_the_original_pipeline():
    settings = PipelineSettings.resolve()
    assert settings == PipelineSettings()
    assert settings.processing == "copy_stage"
    assert settings.force_destroy is True
    assert settings.file_pattern is None


def test_a_later_layer_wins_over_the_preset_and_the_defaults():
    settings = PipelineSettings.resolve(HARDENED.pipeline, {"prevent_destroy": False})
    assert settings.prevent_destroy is False
    assert settings.processing == "consume_stream"  # from the preset
    assert settings.serverless_initial_size == "XSMALL"  # the default


def test_the_shared_settings_resolve_the_same_way():
    shared = SharedSettings.resolve(HARDENED.shared, {"warehouse_auto_suspend": 300})
    assert shared == SharedSettings(
        kms_key_policy=True,
        kms_key_separate_administration=True,
        access_role_conditions=True,
        kms_deletion_window_days=30,
        warehouse_auto_suspend=300,
        warehouse_auto_resume=True,
    )


def test_resolved_settings_are_frozen():
    settings = PipelineSettings()
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.file_pattern = "x"  # type: ignore[misc]


def test_updated_settings_keep_what_the_update_does_not_name():
    base = PipelineSettings.resolve({"file_pattern": r".*[.]csv", "force_destroy": False})
    updated = base.updated({"file_pattern": r".*[.]json"})
    assert (updated.file_pattern, updated.force_destroy) == (r".*[.]json", False)
    assert base.file_pattern == r".*[.]csv"


def test_an_unknown_key_is_a_type_error_naming_it_with_the_closest_option():
    with pytest.raises(
        TypeError,
        match=r"^file_patern: unexpected keyword argument; did you mean 'file_pattern'\?$",
    ):
        PipelineSettings.resolve({"file_patern": "x"})


def test_an_unknown_key_and_a_bad_value_are_reported_in_one_error():
    with pytest.raises(TypeError) as error:
        PipelineSettings.resolve({"zzz": 1, "force_destroy": "no"})
    assert isinstance(error.value, ValueError) is False
    assert [problem.prop for problem in error.value.problems] == ["zzz", "force_destroy"]  # type: ignore[attr-defined]


def test_a_settings_value_built_directly_is_checked_too():
    with pytest.raises(ValueError, match=r"^refresh_schedule_minutes: must be at least 1 "):
        PipelineSettings(refresh_schedule_minutes=0)

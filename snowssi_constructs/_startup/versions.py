"""The jsii releases the start-up hook is tested with; outside them it steps aside.

The hook relies on jsii's private layout (its embedded runtime files, the method of its
node process that names them, the kernel's exit request and its index worker), which
any jsii release may change. So the hook acts only on the releases the test suite runs
on: pyproject.toml's range for jsii is this one (a test compares them), CI runs the
newest (constraints.txt) and ``python3 dev.py test --lowest`` the oldest. On any other
jsii the hook does nothing but say so, once: jsii and the bindings load their own way,
slower, with the same JSON.
"""

from __future__ import annotations

import re
import warnings

# The lowest tested release and the first release beyond the range (jsii's minor
# releases are where its private layout changes).
LOWEST_JSII = (1, 141, 0)
BEYOND_JSII = (1, 143)
JSII_RANGE = f">={'.'.join(map(str, LOWEST_JSII))},<{'.'.join(map(str, BEYOND_JSII))}"

_RELEASE = re.compile(r"(\d+)\.(\d+)\.(\d+)")
# The verdict, once per process: whether jsii's release is in the range.
_verdict: list[bool] = []


def in_tested_range(version: str) -> bool:
    """Whether the hook is tested with jsii ``version`` (a pre-release of a tested
    release is not)."""
    match = _RELEASE.fullmatch(version)
    if match is None:
        return False
    release = tuple(int(part) for part in match.groups())
    return LOWEST_JSII <= release < BEYOND_JSII


def installed_jsii() -> str | None:
    """The installed jsii's version, read from its metadata without importing it."""
    from importlib import metadata

    try:
        return metadata.version("jsii")
    except metadata.PackageNotFoundError:
        return None


def jsii_is_tested() -> bool:
    """Whether the hook may act; the first time it may not, one ``RuntimeWarning``."""
    if not _verdict:
        version = installed_jsii()
        # Without jsii's metadata there is no jsii to speed up: nothing to say.
        _verdict.append(version is None or in_tested_range(version))
        if not _verdict[0]:
            warnings.warn(
                f"snowssi_constructs: jsii {version} is outside the releases the start-up "
                f"hook is tested with (jsii{JSII_RANGE}); the hook steps aside and jsii loads "
                "its own way, which is slower but produces the same output.",
                RuntimeWarning,
                stacklevel=3,
            )
    return _verdict[0]

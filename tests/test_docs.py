"""The documentation matches the code, and the site and the README hold together.

- ``docs/constructs.md`` documents every public construct's props, and only props that
  exist: each construct exported by ``snowssi_constructs`` has a ``## `Name` `` heading
  of its own, and the first table under it has one prop name in backticks per row in
  its first column. Those rows must be exactly the keyword-only parameters of the
  construct's ``__init__`` (with the keys of a ``**options: Unpack[...]``).
- ``docs/reference/index.md`` lists every name the package exports.
- Every page in ``docs/`` is in the ``nav`` of ``mkdocs.yml``, and every page of the
  ``nav`` exists (mkdocs itself only warns about the first, and ``--strict`` catches it
  only when the site is built).
- Every relative link of the README points to a file that exists, and the README stays
  short: the guides belong in ``docs/``.
"""

from __future__ import annotations

import inspect
import re
import typing
from pathlib import Path, PurePosixPath

import pytest
import yaml
from constructs import Construct

import snowssi_constructs
from tests.support import ROOT

DOCS = ROOT / "docs"
CONSTRUCTS_PAGE = DOCS / "constructs.md"
README_MAX_LINES = 200

# The package's own constructs; App and TerraformStack are the flavour's, re-exported.
CONSTRUCTS = sorted(
    name
    for name in snowssi_constructs.__all__
    if isinstance(getattr(snowssi_constructs, name), type)
    and issubclass(getattr(snowssi_constructs, name), Construct)
    and getattr(snowssi_constructs, name).__module__.startswith("snowssi_constructs.")
)


def construct_section(construct: str) -> str:
    """The text under the construct's own ``## `Name` `` heading, up to the next one."""
    page = CONSTRUCTS_PAGE.read_text(encoding="utf-8")
    heading = re.search(rf"^## `{construct}`[ \t]*\n", page, re.MULTILINE)
    assert heading, f"docs/constructs.md has no '## `{construct}`' heading"
    body = page[heading.end() :]
    next_heading = re.search(r"^## ", body, re.MULTILINE)
    return body[: next_heading.start()] if next_heading else body


def documented_props(construct: str) -> list[str]:
    """The first-column names of the first table under the construct's heading."""
    lines = construct_section(construct).splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("|")), None)
    assert start is not None, f"no props table under the heading of {construct}"
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append(line)
    assert len(rows) > 2, f"no props in the table under the heading of {construct}"
    names = []
    for row in rows[2:]:  # past the header and the |---| line
        cell = row.split("|")[1].strip()
        name = re.fullmatch(r"`([a-z_][a-z0-9_]*)`", cell)
        assert name, f"{construct}: the first column must be one prop in backticks: {cell!r}"
        names.append(name.group(1))
    return names


def keyword_parameters(construct: str) -> list[str]:
    """Keyword-only parameters, and the keys of a ``**options: Unpack[SomeTypedDict]``."""
    init = getattr(snowssi_constructs, construct).__init__
    names = []
    for parameter in inspect.signature(init).parameters.values():
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY:
            names.append(parameter.name)
        elif parameter.kind is inspect.Parameter.VAR_KEYWORD:
            hint = typing.get_type_hints(init, include_extras=True)[parameter.name]
            assert typing.get_origin(hint) is typing.Unpack, f"{construct}: untyped **kwargs"
            (options,) = typing.get_args(hint)
            names.extend(options.__annotations__)
    return names


def test_every_public_construct_is_checked():
    assert set(CONSTRUCTS) >= {
        "SnowSSIStack",
        "SnowSSIPipeline",
        "EncryptedBucket",
        "ExternalStage",
        "S3StorageIntegration",
        "SnowflakeAccessRole",
        "PipelineKey",
    }


@pytest.mark.parametrize("construct", CONSTRUCTS)
def test_the_docs_table_lists_every_keyword_parameter_of_the_construct(construct):
    documented = documented_props(construct)
    missing = [name for name in keyword_parameters(construct) if name not in documented]
    assert not missing, f"{construct}: props missing from docs/constructs.md: {missing}"


@pytest.mark.parametrize("construct", CONSTRUCTS)
def test_the_docs_table_lists_no_prop_the_construct_does_not_have(construct):
    parameters = keyword_parameters(construct)
    extra = [name for name in documented_props(construct) if name not in parameters]
    assert not extra, f"{construct}: docs/constructs.md lists props that do not exist: {extra}"


@pytest.mark.parametrize("construct", CONSTRUCTS)
def test_the_docs_table_lists_each_prop_once(construct):
    names = documented_props(construct)
    assert len(names) == len(set(names)), f"{construct}: a prop is listed twice"


def test_the_reference_lists_every_exported_name():
    page = (DOCS / "reference" / "index.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([A-Za-z_][A-Za-z0-9_]*)` \|", page, re.MULTILINE))
    missing = sorted(set(snowssi_constructs.__all__) - listed)
    assert not missing, f"docs/reference/index.md does not list: {missing}"


class _MkDocsLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, whose ``!!python/name:`` tags name objects: kept as strings."""


_MkDocsLoader.add_multi_constructor(
    "tag:yaml.org,2002:python/", lambda loader, suffix, node: f"!!python/{suffix}"
)


def nav_pages() -> list[str]:
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), _MkDocsLoader)
    assert config.get("docs_dir", "docs") == "docs"
    pages: list[str] = []

    def walk(entry: object) -> None:
        if isinstance(entry, str):
            pages.append(entry)
        elif isinstance(entry, list):
            for item in entry:
                walk(item)
        elif isinstance(entry, dict):
            for value in entry.values():
                walk(value)

    walk(config["nav"])
    return pages


def test_every_docs_page_is_in_the_nav():
    pages = {path.relative_to(DOCS).as_posix() for path in DOCS.rglob("*.md")}
    missing = sorted(pages - set(nav_pages()))
    assert not missing, f"pages of docs/ missing from the nav of mkdocs.yml: {missing}"


def test_every_nav_entry_is_a_page_once():
    pages = nav_pages()
    absent = [page for page in pages if not (DOCS / page).is_file()]
    assert not absent, f"the nav of mkdocs.yml names pages that do not exist: {absent}"
    assert len(pages) == len(set(pages)), "the nav of mkdocs.yml lists a page twice"


def relative_links(markdown: str) -> list[str]:
    """Targets of ``[text](target)`` links and images that are not URLs or anchors."""
    without_code = re.sub(r"^```.*?^```", "", markdown, flags=re.MULTILINE | re.DOTALL)
    without_code = re.sub(r"`[^`\n]*`", "", without_code)
    targets = re.findall(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)", without_code)
    return [
        target
        for target in targets
        if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target) and not target.startswith("#")
    ]


def test_every_relative_link_of_the_readme_exists():
    links = relative_links((ROOT / "README.md").read_text(encoding="utf-8"))
    assert links, "the README links into docs/"
    broken = [link for link in links if not (ROOT / PurePosixPath(link.split("#", 1)[0])).exists()]
    assert not broken, f"README links to files that do not exist: {broken}"


def test_the_readme_links_into_the_docs():
    links = relative_links((ROOT / "README.md").read_text(encoding="utf-8"))
    assert any(link.startswith("docs/") for link in links)


def test_the_readme_is_short():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES, (
        f"the README has {len(lines)} lines (at most {README_MAX_LINES}): guides belong in docs/"
    )


def _mermaid_hook() -> typing.Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location("mermaid_hook", DOCS / "mermaid_hook.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_vendored_mermaid_is_the_major_materials_loader_expects():
    # Material falls back to loading `mermaid@<major>` from another host; the release the
    # site vendors must be the same major, or Material would draw with an API it does not
    # know.
    import material

    bundles = Path(material.__file__).parent / "templates" / "assets" / "javascripts"
    (bundle,) = bundles.glob("bundle.*.min.js")
    expected = re.search(r"mermaid@(\d+)/dist/mermaid\.min\.js", bundle.read_text(encoding="utf-8"))
    assert expected, "material's bundle no longer names the Mermaid it loads"
    hook = _mermaid_hook()
    assert hook.MERMAID_VERSION.split(".")[0] == expected.group(1)


def test_the_site_loads_the_vendored_mermaid_before_any_diagram():
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), _MkDocsLoader)
    assert "docs/mermaid_hook.py" in config["hooks"]
    assert _mermaid_hook().SITE_PATH in config["extra_javascript"]


# Our own issue tracker's numbers mean nothing to a reader of the site or the README.
OWN_ISSUE = re.compile(r"\bissues? (?:#)?\d+\b|\bissue \d+'s\b", re.IGNORECASE)


@pytest.mark.parametrize(
    "page", ["README.md", *sorted(p.relative_to(ROOT).as_posix() for p in DOCS.rglob("*.md"))]
)
def test_no_page_names_an_issue_of_ours(page):
    text = (ROOT / page).read_text(encoding="utf-8")
    assert not OWN_ISSUE.findall(text), f"{page} names an issue of ours: {OWN_ISSUE.findall(text)}"


def test_no_nav_title_names_research_notes():
    def titles(entries: list[typing.Any]) -> list[str]:
        found = []
        for entry in entries:
            if isinstance(entry, dict):
                for title, value in entry.items():
                    found.append(title)
                    if isinstance(value, list):
                        found.extend(titles(value))
        return found

    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), _MkDocsLoader)
    assert not [title for title in titles(config["nav"]) if "research" in title.lower()]


def fenced_block(page: str, title: str) -> str:
    """The code block of ``docs/<page>`` whose fence line carries ``title="<title>"``."""
    text = (DOCS / page).read_text(encoding="utf-8")
    block = re.search(rf'^```\w+ title="{re.escape(title)}"\n(.*?)^```$', text, re.M | re.S)
    assert block, f"docs/{page} has no code block titled {title}"
    return block.group(1)


def without_comments_and_docstrings(text: str) -> list[str]:
    """The lines of a file that are code: no comment lines, no module docstring."""
    text = re.sub(r'\A""".*?"""\n', "", text, flags=re.S)
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


@pytest.mark.parametrize("path", ["tests/test_stacks.py", "cdktf.json", "pyproject.toml"])
def test_the_tutorial_shows_the_team_projects_files(path):
    shown = fenced_block("tutorial.md", path)
    actual = (ROOT / "examples" / "team_project" / path).read_text(encoding="utf-8")
    assert without_comments_and_docstrings(shown) == without_comments_and_docstrings(actual)


def test_the_tutorial_shows_every_line_of_the_team_programs_build():
    shown = without_comments_and_docstrings(fenced_block("tutorial.md", "main.py"))
    actual = (ROOT / "examples" / "team_project" / "main.py").read_text(encoding="utf-8")
    code = [line for line in without_comments_and_docstrings(actual) if '"""' not in line]
    missing = [line for line in code if line not in shown]
    assert not missing, f"docs/tutorial.md's main.py lacks: {missing}"

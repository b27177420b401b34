"""Boundary guards (like Tempest's hacking checks), parsed with `ast`:

- `cellgate/lib` imports nothing else from cellgate (it is the client library the suite and a
  user's own tests share);
- the black-box suite (`cellgate/tests/api`, `cellgate/tests/scenario`) never imports
  `cellgate.cloud` or `cellgate.fakes`, directly or through a helper of the test tree, so it runs
  unchanged against real Nova;
- every API/scenario test method carries `@decorators.idempotent_id('<uuid>')`, and no two share
  one (skiplists and reports name tests by it).

Each guard is a function over source text, so the planted-violation tests below prove the guard
itself can fail.
"""

from __future__ import annotations

import ast
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path

import testtools

import cellgate

PACKAGE_DIR = Path(cellgate.__file__).resolve().parent
BLACK_BOX_PACKAGES = ("cellgate.tests.api", "cellgate.tests.scenario")
TEST_TREE = "cellgate.tests"
FORBIDDEN_IN_SUITE = ("cellgate.cloud", "cellgate.fakes")
IMPORT_CALLS = ("import_module", "__import__")


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def module_sources(package: str) -> dict[str, str]:
    """Dotted module name -> source of every module of `package` (a package's `__init__.py`
    under the package's own name)."""
    directory = PACKAGE_DIR.parent.joinpath(*package.split("."))
    sources = {}
    for path in sorted(directory.rglob("*.py")):
        parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        sources[".".join(parts)] = path.read_text(encoding="utf-8")
    return sources


def imported_names(source: str, module: str, *, is_package: bool = False) -> set[str]:
    """Absolute names `source` (the text of `module`) imports anywhere, lazy imports included:
    `import a.b` gives a.b; `from a import b` gives a and a.b (b may be a module); relative
    imports are resolved; `importlib.import_module('x')` / `__import__('x')` give x."""
    package = module if is_package else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
        elif (isinstance(node, ast.Call) and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
              and getattr(node.func, "attr", getattr(node.func, "id", None)) in IMPORT_CALLS):
            names.add(node.args[0].value)
    return names


def lib_violations(sources: Mapping[str, str]) -> list[str]:
    """`module imports name` for each import of cellgate outside `cellgate.lib` in `sources`
    (modules of cellgate.lib)."""
    problems = []
    for module, source in sorted(sources.items()):
        for name in sorted(imported_names(source, module, is_package=module == "cellgate.lib")):
            if _within(name, "cellgate") and not _within(name, "cellgate.lib"):
                problems.append(f"{module} imports {name}")
    return problems


def suite_violations(sources: Mapping[str, str]) -> list[str]:
    """For each black-box module in `sources` (modules of the test tree), the imports of
    cellgate.cloud / cellgate.fakes it makes directly or through test-tree modules it imports,
    as `module -> helper -> ... imports name`."""
    problems = []
    for start in sorted(m for m in sources if any(_within(m, p) for p in BLACK_BOX_PACKAGES)):
        seen = {start}
        queue: list[tuple[str, ...]] = [(start,)]
        while queue:
            chain = queue.pop(0)
            module = chain[-1]
            names = imported_names(sources[module], module, is_package=_is_package(module))
            for name in sorted(names):
                if any(_within(name, forbidden) for forbidden in FORBIDDEN_IN_SUITE):
                    problems.append(f"{' -> '.join(chain)} imports {name}")
                elif name in sources and _within(name, TEST_TREE) and name not in seen:
                    seen.add(name)
                    queue.append((*chain, name))
    return problems


def _is_package(module: str) -> bool:
    return PACKAGE_DIR.parent.joinpath(*module.split("."), "__init__.py").is_file()


def _idempotent_ids(function: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[ast.expr]:
    for decorator in function.decorator_list:
        if not isinstance(decorator, ast.Call):
            continue
        name = getattr(decorator.func, "attr", getattr(decorator.func, "id", None))
        if name == "idempotent_id":
            yield decorator.args[0] if decorator.args else ast.Constant(None)


def idempotent_id_violations(sources: Mapping[str, str]) -> list[str]:
    """Test methods (`test*` in a class) of `sources` without exactly one idempotent_id holding
    a literal UUID, and UUIDs used by more than one test method."""
    problems = []
    owners: dict[str, list[str]] = {}
    for module, source in sorted(sources.items()):
        for cls in (n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.ClassDef)):
            for function in cls.body:
                if not (isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
                        and function.name.startswith("test")):
                    continue
                where = f"{module}.{cls.name}.{function.name}"
                ids = list(_idempotent_ids(function))
                if len(ids) != 1:
                    problems.append(f"{where}: has {len(ids)} idempotent_id decorators, "
                                    "needs exactly one")
                    continue
                value = ids[0].value if isinstance(ids[0], ast.Constant) else None
                try:
                    canonical = str(uuid.UUID(str(value)))
                except ValueError:
                    problems.append(f"{where}: idempotent_id {value!r} is not a literal UUID")
                    continue
                owners.setdefault(canonical, []).append(where)
    for value, tests in sorted(owners.items()):
        if len(tests) > 1:
            problems.append(f"idempotent_id {value} is shared by {', '.join(tests)}")
    return problems


def black_box_sources() -> dict[str, str]:
    """The modules of the API and scenario suites."""
    return {name: source for package in BLACK_BOX_PACKAGES
            for name, source in module_sources(package).items()}


class TreeBoundariesTest(testtools.TestCase):
    """The real tree keeps every boundary."""

    def test_lib_imports_nothing_else_from_cellgate(self) -> None:
        sources = module_sources("cellgate.lib")
        self.assertIn("cellgate.lib.clients", sources)
        self.assertEqual([], lib_violations(sources))

    def test_suite_never_reaches_the_reference_cloud(self) -> None:
        sources = module_sources(TEST_TREE)
        self.assertIn("cellgate.tests.base", sources)
        self.assertEqual([], suite_violations(sources))

    def test_every_suite_test_has_its_own_idempotent_id(self) -> None:
        sources = black_box_sources()
        self.assertGreater(len(sources), 10)
        self.assertEqual([], idempotent_id_violations(sources))


GOOD_TEST = """
from cellgate.lib import decorators
from cellgate.tests import base

class T(base.BaseComputeTest):
    @decorators.idempotent_id('{uuid}')
    def test_one(self):
        pass

    def helper(self):
        pass
"""


class PlantedViolationTest(testtools.TestCase):
    """Each guard catches a violation planted in a small source string."""

    def test_lib_guard_catches_imports_of_other_cellgate_parts(self) -> None:
        sources = {"cellgate.lib.clients": "from cellgate.lib import waiters\n",
                   "cellgate.lib.bad": "def f():\n    from cellgate.harness import config\n",
                   "cellgate.lib.worse": "from .. import cloud\nimport cellgate.fakes.driver\n",
                   "cellgate.lib.sneaky": "import importlib\nimportlib.import_module("
                                          "'cellgate.cloud.service')\n"}
        self.assertEqual(["cellgate.lib.bad imports cellgate.harness",
                          "cellgate.lib.bad imports cellgate.harness.config",
                          "cellgate.lib.sneaky imports cellgate.cloud.service",
                          "cellgate.lib.worse imports cellgate",
                          "cellgate.lib.worse imports cellgate.cloud",
                          "cellgate.lib.worse imports cellgate.fakes.driver"],
                         lib_violations(sources))

    def test_suite_guard_catches_direct_and_helper_imports(self) -> None:
        sources = {
            "cellgate.tests.api.servers.test_direct": "from cellgate.cloud import service\n",
            "cellgate.tests.api.servers.test_via_helper":
                "from cellgate.tests.api.servers import _helpers\n",
            "cellgate.tests.api.servers._helpers": "from cellgate.tests import _shared\n",
            "cellgate.tests._shared": "import cellgate.fakes.driver as driver\n",
            "cellgate.tests.scenario.cells.test_clean": "from cellgate.lib import waiters\n",
            "cellgate.tests.unit.test_white_box": "from cellgate.cloud import service\n",
        }
        self.assertEqual(
            ["cellgate.tests.api.servers._helpers -> cellgate.tests._shared imports "
             "cellgate.fakes.driver",
             "cellgate.tests.api.servers.test_direct imports cellgate.cloud",
             "cellgate.tests.api.servers.test_direct imports cellgate.cloud.service",
             "cellgate.tests.api.servers.test_via_helper -> cellgate.tests.api.servers._helpers "
             "-> cellgate.tests._shared imports cellgate.fakes.driver"],
            suite_violations(sources))

    def test_id_guard_catches_missing_bad_and_shared_ids(self) -> None:
        shared = str(uuid.uuid4())
        sources = {
            "cellgate.tests.api.a.test_ok": GOOD_TEST.format(uuid=uuid.uuid4()),
            "cellgate.tests.api.a.test_shared1": GOOD_TEST.format(uuid=shared),
            "cellgate.tests.api.a.test_shared2": GOOD_TEST.format(uuid=shared.upper()),
            "cellgate.tests.api.a.test_missing": GOOD_TEST.replace(
                "    @decorators.idempotent_id('{uuid}')\n", ""),
            "cellgate.tests.api.a.test_bad": GOOD_TEST.format(uuid="not-a-uuid"),
            "cellgate.tests.api.a.test_twice": GOOD_TEST.format(uuid=f"{uuid.uuid4()}')\n"
                                                "    @decorators.idempotent_id('{uuid.uuid4()}"),
        }
        self.assertEqual(
            ["cellgate.tests.api.a.test_bad.T.test_one: idempotent_id 'not-a-uuid' is not a "
             "literal UUID",
             "cellgate.tests.api.a.test_missing.T.test_one: has 0 idempotent_id decorators, "
             "needs exactly one",
             "cellgate.tests.api.a.test_twice.T.test_one: has 2 idempotent_id decorators, "
             "needs exactly one",
             f"idempotent_id {shared} is shared by cellgate.tests.api.a.test_shared1.T.test_one, "
             "cellgate.tests.api.a.test_shared2.T.test_one"],
            idempotent_id_violations(sources))

    def test_relative_imports_resolve(self) -> None:
        self.assertEqual({"cellgate.tests.api.servers", "cellgate.tests.api.servers._helpers",
                          "cellgate.tests", "cellgate.tests.base"},
                         imported_names("from . import _helpers\nfrom ... import base\n",
                                        "cellgate.tests.api.servers.test_x"))

"""import-linter contract types of our own (loaded by ``lint-imports`` through
``contract_types`` in pyproject.toml).

``no_external_submodule``: the given modules import nothing from a part of an external
package (``django.db``). import-linter squashes external packages to their top-level name
(``django``), so its own ``forbidden`` contract cannot name ``django.db``; this one reads
the import lines it records instead.
"""

from __future__ import annotations

from grimp import ImportGraph
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck
from importlinter.domain.helpers import module_expressions_to_modules


class NoExternalSubmoduleContract(Contract):
    type_name = "no_external_submodule"

    source_modules = fields.ListField(subfield=fields.ModuleExpressionField())
    forbidden = fields.ListField(subfield=fields.StringField())

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        broken: list[str] = []
        sources = module_expressions_to_modules(
            graph,
            self.source_modules,  # type: ignore[attr-defined]
            raise_if_unmatched=True,
        )
        for source in sorted(m.name for m in sources):
            for name in self.forbidden:  # type: ignore[attr-defined]
                top = name.split(".")[0]
                for detail in graph.get_import_details(importer=source, imported=top):
                    line = detail["line_contents"]
                    words = line.replace(",", " ").split()
                    if any(w == name or w.startswith(name + ".") for w in words):
                        broken.append(f"{source}:{detail['line_number']}: {line}")
        return ContractCheck(kept=not broken, metadata={"broken": broken})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for line in check.metadata["broken"]:
            output.print_error(line)
            output.new_line()

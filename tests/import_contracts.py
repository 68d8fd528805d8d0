"""An import-linter contract that no two modules import each other, directly or round a circle.

import-linter's own ``acyclic_siblings`` judges packages as wholes (a sub-package's modules count
as one), which would forbid a page model's package from holding both the vocabulary its admin
form reads and the pages that use the form. This contract judges modules: every import grimp
finds counts, function-local ones included (those are what used to hide the circles);
``if TYPE_CHECKING:`` imports are left out by the project's ``exclude_type_checking_imports``.
"""

from __future__ import annotations

from grimp import ImportGraph
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative: the groups of modules that reach each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


class AcyclicModulesContract(Contract):
    type_name = "acyclic_modules"

    containers = fields.ListField(subfield=fields.StringField())

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        modules = {
            module
            for container in self.containers  # type: ignore[attr-defined]
            for module in graph.find_descendants(container) | {container}
        }
        edges = {
            module: graph.find_modules_directly_imported_by(module) & modules for module in modules
        }
        circles = strongly_connected(edges)
        return ContractCheck(kept=not circles, metadata={"circles": circles, "graph": edges})

    def render_broken_contract(self, check: ContractCheck) -> None:
        edges = check.metadata["graph"]
        for circle in check.metadata["circles"]:
            output.print_error(f"Modules importing each other: {', '.join(circle)}")
            members = set(circle)
            for module in circle:
                for imported in sorted(edges[module] & members):
                    output.indent_cursor()
                    output.print_error(f"{module} -> {imported}", bold=False)
            output.new_line()

"""The rule examples of docs/examples as Pulumi programs: all of them in one run per mode.

Running each of the 104 snippets as its own program would take minutes, so `run_all_snippets`
(the `tests/docs/program` project) runs them all in one program: each snippet, with its file's
setup, under a component of its own (`docs:<kind>:<rule>`), which every resource it creates gets
as parent. Logical names stay the ones the snippet writes (two snippets may both say "key": their
URNs differ by the parent's type). `snippet_states` then takes one snippet's resources out of the
captured stack, with the stack and its default provider, so that each snippet is evaluated on its
own, as if it were the whole program: nothing one snippet creates can change another's verdict.
"""

from __future__ import annotations

import contextlib
import dataclasses
import sys
from pathlib import Path
from typing import Dict, Iterator, List, Optional

from policypack.engine.model import ResourceState
from policypack.engine.program import CapturedStack

REPO = Path(__file__).resolve().parents[2]
EXAMPLES_DIR = REPO / "docs" / "examples"
PROGRAM_DIR = Path(__file__).resolve().parent / "program"


def load_examples():
    """docs/examples, as the docs generator reads it (scripts/gen_rules_doc.py)."""
    if str(REPO / "scripts") not in sys.path:
        sys.path.insert(0, str(REPO / "scripts"))
    import gen_rules_doc

    return gen_rules_doc


def component_type(rule: str, kind: str) -> str:
    return f"docs:{kind}:{rule}"


# -- in the program --------------------------------------------------------------------------------

def run_all_snippets() -> None:
    """Run every snippet of every example file, each under its own component."""
    import pulumi

    docs = load_examples()
    sys.path.insert(0, str(EXAMPLES_DIR))  # `from _common import ...`
    for example in docs.read_examples(EXAMPLES_DIR).values():
        for snippet in example.snippets:
            component = pulumi.ComponentResource(component_type(example.rule, snippet.kind),
                                                 f"{example.rule}-{snippet.kind}")
            with _parent_of_new_resources(component):
                code = compile(snippet.source, str(example.path), "exec")
                exec(code, {"__name__": f"docs_example_{snippet.kind}", "__file__": str(example.path)})
            component.register_outputs({})


@contextlib.contextmanager
def _parent_of_new_resources(parent) -> Iterator[None]:
    """Every resource created inside gets `parent` as its parent, unless it names one itself."""
    import pulumi

    original = pulumi.Resource.__init__

    def init(self, t, name, custom, props=None, opts=None, *rest, **kwargs):
        if self is not parent and (opts is None or opts.parent is None):
            opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(parent=parent))
        original(self, t, name, custom, props, opts, *rest, **kwargs)

    pulumi.Resource.__init__ = init
    try:
        yield
    finally:
        pulumi.Resource.__init__ = original


# -- in the tests ----------------------------------------------------------------------------------

class SnippetIndex:
    """Which resources of a captured run belong to which snippet (through their parents)."""

    def __init__(self, stack: CapturedStack) -> None:
        self.stack = stack
        self.by_urn: Dict[str, ResourceState] = {r.urn: r for r in stack.resources}
        self.components: Dict[str, ResourceState] = {
            r.type: r for r in stack.resources if r.type.startswith("docs:")}
        self.members: Dict[str, List[ResourceState]] = {t: [] for t in self.components}
        self.outside: List[ResourceState] = []  # the stack and its default providers
        for resource in stack.resources:
            owner = self._owner(resource)
            if owner is None:
                self.outside.append(resource)
            elif resource.urn != self.components[owner].urn:
                self.members[owner].append(resource)

    def _owner(self, resource: ResourceState) -> Optional[str]:
        current: Optional[ResourceState] = resource
        while current is not None:
            if current.type.startswith("docs:"):
                return current.type
            current = self.by_urn.get(current.parent) if current.parent else None
        return None

    def states(self, rule: str, kind: str) -> List[ResourceState]:
        """One snippet's stack, as if the snippet were the whole program: the stack resource, the
        default providers, and the snippet's resources, the top ones children of the stack."""
        key = component_type(rule, kind)
        assert key in self.components, f"the run has no snippet {kind!r} of {rule}"
        component, root = self.components[key], self.stack.resources[0]
        assert root.type == "pulumi:pulumi:Stack"
        return [*self.outside, *(dataclasses.replace(r, parent=root.urn) if r.parent == component.urn else r
                                 for r in self.members[key])]

    def snippet_resources(self, rule: str, kind: str) -> List[ResourceState]:
        return self.members[component_type(rule, kind)]

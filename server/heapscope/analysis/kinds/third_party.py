"""Growth held inside an npm package: the code owning the holder, the timers' callbacks, or the
code allocating the entries lives under ``node_modules``.

The finding names the package and its version (from its ``package.json``) and the holder's
names; the location is the program's own call into the package that leads to the growth,
with the line inside the package as a related location (or that line alone when no call
from the program is known).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..source import is_user_path, package_of, package_version
from .base import Description, Evidence, Growth, Subject, named
from .collection import CollectionEvidence, collection_evidence
from .global_ import global_name
from .timer import is_timer_holder, timers_of


@dataclass
class ThirdPartyEvidence(CollectionEvidence):
    kind = "third-party"
    package: str = ""
    version: str = ""
    package_file: str = ""
    """A file of the package involved (the holder's owner, a timer callback or the allocator)."""

    def facts(self) -> dict[str, Any]:
        return {**super().facts(), "package": self.package, "package_version": self.version or None}


def package_file_of(subject: Subject) -> str | None:
    """A package file behind the growth: the holder's owner, a timer's callback, or the allocator."""
    source = subject.source
    if subject.owner_file and package_of(subject.owner_file):
        return subject.owner_file
    if is_timer_holder(subject):
        callbacks = [source.callback_of(int(node)) for node in timers_of(subject)[:100].tolist()]
        location = source.dominant_location([c for c in callbacks if c >= 0])
        if location and not is_user_path(location.path):
            return location.path
    return source.allocating_package_file(subject.group)


class ThirdPartyRule:
    kind = "third-party"

    def match(self, subject: Subject) -> Evidence | None:
        file = package_file_of(subject)
        package = package_of(file) if file else None
        global_held = global_name(subject)
        if not package and global_held is not None:
            # A global only a package's code inserts into is that package's own state.
            package = subject.source.package_inserting(global_held or subject.name)
        if not package:
            return None
        evidence = collection_evidence(subject, ThirdPartyEvidence, name=global_held or "")
        assert isinstance(evidence, ThirdPartyEvidence)
        evidence.package = package
        evidence.version = (package_version(file, subject.source.resolver.read) if file else None) or ""
        evidence.package_file = file or ""
        return evidence

    def locate(self, subject: Subject, evidence: Evidence) -> None:
        assert isinstance(evidence, ThirdPartyEvidence)
        subject.source.locate_package_call(subject, evidence)

    def describe(self, evidence: Evidence, growth: Growth) -> Description:
        assert isinstance(evidence, ThirdPartyEvidence)
        version = f"@{evidence.version}" if evidence.version else ""
        return Description(
            title=f"growth inside {evidence.package}{version}",
            message=(
                f"Objects kept by package `{evidence.package}{version}` keep growing "
                f"({evidence.collection_class}{named(evidence)}): "
                f"{growth.counts_text} {growth.entry_class or 'entries'}, {growth.bytes_text}."
            ),
            fix_hint=(
                f"The growth is held inside `{evidence.package}`: check its options for a size limit, TTL "
                "or a "
                f"close()/dispose() call, make sure you do not create a new instance or key per request, "
                f"or upgrade the package."
            ),
            labels=("third-party", evidence.package),
        )

"""The changed manifests the notice reads: the YAML files at head that parse (pure)."""

from __future__ import annotations

from collections.abc import Iterator

from gate.core.manifests import YAML_SUFFIXES, ManifestFile
from gate.core.models import ChangedFile, Context


def changed_manifests(context: Context) -> Iterator[tuple[ChangedFile, ManifestFile]]:
    """Each changed YAML file with its parse at head; a file that does not parse is skipped here
    because the engine already reports it as `invalid-file`."""
    for changed in context.changed(suffixes=YAML_SUFFIXES):
        manifest = context.manifest(changed.path)
        if manifest.ok:
            yield changed, manifest

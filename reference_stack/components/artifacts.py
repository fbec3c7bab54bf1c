"""Function packages and the image-library layer as Pulumi values, built by `packaging`.

The program builds them itself on every `pulumi preview`/`up` (cached by content in `.build/`):
no prebuilt folder, no shell script. `source_code_hash` is the base64 SHA-256 of the zip, so a
change in the handler code or the layer's requirements - and only that - updates the function.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Tuple

import pulumi
import pulumi_aws as aws

from .packaging import BuiltArchive, LayerSpec, Source, build_archive, build_layer
from .settings import LAMBDA_RUNTIME, Settings

PROJECT_DIR = Path(__file__).resolve().parents[1]
HANDLERS_DIR = PROJECT_DIR / "handlers"
SHARED_HANDLER_CODE = HANDLERS_DIR / "shared"
LAYERS_DIR = PROJECT_DIR / "layers"
ARCHITECTURE = "x86_64"


@dataclass(frozen=True)
class FunctionCode:
    archive: pulumi.Archive
    source_code_hash: str
    path: Path


def _archive(built: BuiltArchive) -> pulumi.FileArchive:
    path, cwd = built.path.resolve(), Path.cwd()
    # relative to the project (the program's working folder): no machine-specific path in the state
    return pulumi.FileArchive(str(path.relative_to(cwd)) if path.is_relative_to(cwd) else str(path))


def function_code(handler: str, *, with_shared_code: bool = False) -> FunctionCode:
    """The zip of `handlers/<handler>/` (plus `handlers/shared/` when the handler imports it)."""
    sources = [Source(HANDLERS_DIR / handler)]
    if with_shared_code:
        sources.append(Source(SHARED_HANDLER_CODE))
    built = build_archive(handler, sources)
    return FunctionCode(_archive(built), built.source_code_hash, built.path)


def read_requirements(path: Path) -> Tuple[str, ...]:
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return tuple(line for line in lines if line)


class ImageLibraryLayer(pulumi.ComponentResource):
    """Pillow, installed as manylinux wheels for the functions' runtime, as a Lambda layer."""

    def __init__(self, name: str, *, settings: Settings, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("reference:packaging:ImageLibraryLayer", name, None, opts)
        spec = LayerSpec(
            name=name,
            requirements=read_requirements(LAYERS_DIR / "image_library" / "requirements.txt"),
            python_version=settings.python_version,
        )
        built = build_layer(spec)
        self.layer = aws.lambda_.LayerVersion(
            name,
            layer_name=f"{settings.base_name}-image-library",
            description=f"{', '.join(spec.requirements)} for {LAMBDA_RUNTIME} ({ARCHITECTURE})",
            code=_archive(built),
            source_code_hash=built.source_code_hash,
            compatible_runtimes=[LAMBDA_RUNTIME],
            compatible_architectures=[ARCHITECTURE],
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.arn: pulumi.Output[str] = self.layer.arn
        self.register_outputs({"arn": self.layer.arn})

"""What the pack takes from `pulumi_policy` beyond its public types: fail loudly when it changes.

The pack's server keeps the engine-visible behaviour of `pulumi_policy`'s servicer and reuses a few
of its internals (its servicer to describe the pack, its deserializer for assets and for plain
policies, its unknown sentinels, its not-applicable signal). pyproject pins the SDK to 1.21.x; a
newer SDK must pass these tests - and the equivalence tests against its servicer - before the pin
moves.
"""

from __future__ import annotations

import inspect

import pulumi_policy
from pulumi_policy import deserialize, policy, proxy


def test_the_sdk_is_the_version_the_pack_was_built_against():
    assert pulumi_policy.version.VERSION.startswith("1.21.")


def test_the_wire_signatures_are_the_engines():
    assert deserialize.SPECIAL_SIG_KEY == "4dabf18193072939515e22adb298388d"
    assert deserialize.SPECIAL_SECRET_SIG == "1b47061264138c4ac30d75fd1eb44270"
    assert deserialize.SPECIAL_ASSET_SIG == "c44067f5952c0a294b673a41bacd8c17"
    assert deserialize.SPECIAL_ARCHIVE_SIG == "0def7320c3a5731c473e5ecbe6d01bc7"
    assert proxy.UNKNOWN_STRING_VALUE == "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


def test_the_internals_the_pack_uses_are_there_with_their_signatures():
    servicer = inspect.signature(policy._PolicyAnalyzerServicer.__init__)
    assert list(servicer.parameters)[:5] == ["self", "name", "version", "policies", "enforcement_level"]
    assert list(inspect.signature(deserialize._deserialize_asset).parameters) == ["prop"]
    assert list(inspect.signature(deserialize._deserialize_archive).parameters)[:1] == ["prop"]
    assert issubclass(policy._NotApplicableError, Exception)
    for name in ("Analyze", "AnalyzeStack", "Remediate", "GetAnalyzerInfo", "GetPluginInfo", "Configure",
                 "ConfigureStack"):
        assert callable(getattr(policy._PolicyAnalyzerServicer, name))
    assert callable(proxy._DictProxy.__getitem__) and callable(proxy._ListProxy.__getitem__)

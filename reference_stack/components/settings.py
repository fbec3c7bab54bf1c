"""The stack's configuration, read once and checked, with the defaults in one place.

Every value that differs between stacks comes from `pulumi config` (see Pulumi.example.yaml);
nothing about a region, a limit or an origin is hardcoded in the components.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional, Tuple

import pulumi

# The newest Python runtime Lambda supports (policypack/data/lambda_runtimes.py); the layer's
# wheels are installed for the same Python version.
LAMBDA_RUNTIME = "python3.14"

DEFAULT_REGION = "us-west-2"
REGION_PATTERN = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$")
# the values CloudWatch Logs accepts for retentionInDays
LOG_RETENTION_DAYS = frozenset({1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096,
                                1827, 2192, 2557, 2922, 3288, 3653})
HTTPS_ORIGIN = re.compile(r"^https://[A-Za-z0-9.-]+(:\d{1,5})?$")


class SettingsError(ValueError):
    """A configuration value that would deploy something unsafe or broken."""


@dataclass(frozen=True)
class Settings:
    project: str
    stack: str
    region: str
    replica_regions: Tuple[str, ...]
    processor_reserved_concurrency: int
    api_reserved_concurrency: int
    cors_allowed_origins: Tuple[str, ...]
    log_retention_days: int
    image_max_dimension: int
    api_throttling_rate_limit: float
    api_throttling_burst_limit: int
    parameter_cache_ttl_seconds: int
    invocations_alarm_threshold: int
    alarm_email: Optional[str]

    @property
    def base_name(self) -> str:
        """Prefix of the few explicit names (functions, log groups, parameters): project + stack."""
        return f"{self.project}-{self.stack}"

    @property
    def python_version(self) -> str:
        return LAMBDA_RUNTIME.removeprefix("python")


def _check_region(region: str, key: str) -> str:
    if not REGION_PATTERN.match(region):
        raise SettingsError(f"config `{key}`: {region!r} is not an AWS region name such as us-west-2")
    return region


def _check_origins(origins: Tuple[str, ...]) -> Tuple[str, ...]:
    for origin in origins:
        if origin == "*" or not HTTPS_ORIGIN.match(origin):
            raise SettingsError(
                f"config `corsAllowedOrigins`: {origin!r} is not an https origin such as "
                "https://app.example.com (no wildcard, no path)")
    return origins


def _positive_int(config: pulumi.Config, key: str, default: int) -> int:
    value = config.get_int(key)
    value = default if value is None else value
    if value < 1:
        raise SettingsError(f"config `{key}` must be at least 1, not {value}")
    return value


def _positive_float(config: pulumi.Config, key: str, default: float) -> float:
    value = config.get_float(key)
    value = default if value is None else value
    if value <= 0:
        raise SettingsError(f"config `{key}` must be above 0, not {value}")
    return value


def _retention(days: int) -> int:
    if days not in LOG_RETENTION_DAYS:
        raise SettingsError(f"config `logRetentionDays`: CloudWatch Logs does not accept {days}; "
                            f"use one of {sorted(LOG_RETENTION_DAYS)}")
    return days


def load_settings() -> Settings:
    config = pulumi.Config()
    region = _check_region(pulumi.Config("aws").get("region") or DEFAULT_REGION, "aws:region")
    replicas = tuple(_check_region(r, "regions") for r in (config.get_object("regions") or []) if r != region)
    return Settings(
        project=pulumi.get_project(),
        stack=pulumi.get_stack(),
        region=region,
        replica_regions=tuple(dict.fromkeys(replicas)),
        processor_reserved_concurrency=_positive_int(config, "processorReservedConcurrency", 10),
        api_reserved_concurrency=_positive_int(config, "apiReservedConcurrency", 5),
        cors_allowed_origins=_check_origins(tuple(config.get_object("corsAllowedOrigins") or ())),
        log_retention_days=_retention(_positive_int(config, "logRetentionDays", 30)),
        image_max_dimension=_positive_int(config, "imageMaxDimension", 1024),
        api_throttling_rate_limit=_positive_float(config, "apiThrottlingRateLimit", 50.0),
        api_throttling_burst_limit=_positive_int(config, "apiThrottlingBurstLimit", 100),
        parameter_cache_ttl_seconds=_positive_int(config, "parameterCacheTtlSeconds", 300),
        invocations_alarm_threshold=_positive_int(config, "invocationsAlarmThreshold", 1000),
        alarm_email=config.get("alarmEmail") or None,
    )

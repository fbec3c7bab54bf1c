"""AWS Lambda managed runtimes and the date AWS deprecates each.

Source: https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html (and the per-language pages it
links), checked on 2026-11-22. Deprecation = no more security patches; AWS blocks creating and then updating
functions on the runtime some weeks later. Update this table when AWS adds a runtime or moves a date; a
runtime missing here makes `aws-lambda-function-runtime-supported` report it as unknown.

Each entry: runtime id -> (family, deprecation date, flags). Within a family, entries run newest first: the
first runtime a .zip function can still use is the one suggested. Flags: "container-only" (base images
only), or "use:<id>" to name the replacement of a family that has no successor.
"""

from __future__ import annotations

from typing import Dict, Tuple

CHECKED = "2026-11-22"

RUNTIMES: Dict[str, Tuple[str, str, str]] = {
    "python3.14": ("python", "2029-06-30", ""),
    "python3.13": ("python", "2029-06-30", ""),
    "python3.12": ("python", "2028-10-31", ""),
    "python3.11": ("python", "2027-06-30", ""),
    "python3.10": ("python", "2026-10-31", ""),
    "python3.9": ("python", "2025-12-15", ""),
    "python3.8": ("python", "2024-10-14", ""),
    "python3.7": ("python", "2023-12-04", ""),
    "python3.6": ("python", "2022-07-18", ""),
    "python2.7": ("python", "2021-07-15", ""),

    "nodejs24.x": ("nodejs", "2028-04-30", ""),
    "nodejs22.x": ("nodejs", "2027-04-30", ""),
    "nodejs20.x": ("nodejs", "2026-04-30", ""),
    "nodejs18.x": ("nodejs", "2025-09-01", ""),
    "nodejs16.x": ("nodejs", "2024-06-12", ""),
    "nodejs14.x": ("nodejs", "2023-12-04", ""),
    "nodejs12.x": ("nodejs", "2023-03-31", ""),
    "nodejs10.x": ("nodejs", "2021-07-30", ""),
    "nodejs8.10": ("nodejs", "2020-03-06", ""),
    "nodejs6.10": ("nodejs", "2019-08-12", ""),
    "nodejs4.3-edge": ("nodejs", "2020-03-05", ""),
    "nodejs4.3": ("nodejs", "2020-03-05", ""),
    "nodejs": ("nodejs", "2016-08-30", ""),

    "java25": ("java", "2029-06-30", ""),
    "java21": ("java", "2029-06-30", ""),
    "java17.al2023": ("java", "2029-06-30", ""),
    "java11.al2023": ("java", "2029-06-30", ""),
    "java8.al2023": ("java", "2029-06-30", ""),
    "java17": ("java", "2027-06-30", ""),
    "java11": ("java", "2027-06-30", ""),
    "java8.al2": ("java", "2027-06-30", ""),
    "java8": ("java", "2024-01-08", ""),

    "dotnet10": ("dotnet", "2028-11-14", ""),
    "dotnet9": ("dotnet", "2026-11-10", "container-only"),
    "dotnet8": ("dotnet", "2026-11-10", ""),
    "dotnet7": ("dotnet", "2024-05-14", "container-only"),
    "dotnet6": ("dotnet", "2024-12-20", ""),
    "dotnet5.0": ("dotnet", "2022-05-10", "container-only"),
    "dotnetcore3.1": ("dotnet", "2023-04-03", ""),
    "dotnetcore2.1": ("dotnet", "2022-01-05", ""),
    "dotnetcore2.0": ("dotnet", "2019-05-30", ""),
    "dotnetcore1.0": ("dotnet", "2019-06-27", ""),

    "ruby4.0": ("ruby", "2029-03-31", ""),
    "ruby3.4": ("ruby", "2028-03-31", ""),
    "ruby3.3": ("ruby", "2027-03-31", ""),
    "ruby3.2": ("ruby", "2026-03-31", ""),
    "ruby2.7": ("ruby", "2023-12-07", ""),
    "ruby2.5": ("ruby", "2021-07-30", ""),

    "go1.x": ("go", "2024-01-08", "use:provided.al2023"),

    "provided.al2023": ("provided", "2029-06-30", ""),
    "provided.al2": ("provided", "2026-07-31", ""),
    "provided": ("provided", "2024-01-08", ""),
}

"""Every AWS Region code, by partition, with its name.

Sources: the AWS Regions page of the AWS documentation
(https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html) and the `Region`
enum of pulumi-aws 7. Add a Region here when AWS opens one; a code missing here makes
`aws-provider-region-allowed` report a real Region as unknown (advisory).
"""

from __future__ import annotations

from typing import Dict, Tuple

# code -> (partition, name)
REGIONS: Dict[str, Tuple[str, str]] = {
    # Commercial (partition `aws`)
    "us-east-1": ("aws", "US East (N. Virginia)"),
    "us-east-2": ("aws", "US East (Ohio)"),
    "us-west-1": ("aws", "US West (N. California)"),
    "us-west-2": ("aws", "US West (Oregon)"),
    "af-south-1": ("aws", "Africa (Cape Town)"),
    "ap-east-1": ("aws", "Asia Pacific (Hong Kong)"),
    "ap-east-2": ("aws", "Asia Pacific (Taipei)"),
    "ap-south-1": ("aws", "Asia Pacific (Mumbai)"),
    "ap-south-2": ("aws", "Asia Pacific (Hyderabad)"),
    "ap-southeast-1": ("aws", "Asia Pacific (Singapore)"),
    "ap-southeast-2": ("aws", "Asia Pacific (Sydney)"),
    "ap-southeast-3": ("aws", "Asia Pacific (Jakarta)"),
    "ap-southeast-4": ("aws", "Asia Pacific (Melbourne)"),
    "ap-southeast-5": ("aws", "Asia Pacific (Malaysia)"),
    "ap-southeast-6": ("aws", "Asia Pacific (New Zealand)"),
    "ap-southeast-7": ("aws", "Asia Pacific (Thailand)"),
    "ap-northeast-1": ("aws", "Asia Pacific (Tokyo)"),
    "ap-northeast-2": ("aws", "Asia Pacific (Seoul)"),
    "ap-northeast-3": ("aws", "Asia Pacific (Osaka)"),
    "ca-central-1": ("aws", "Canada (Central)"),
    "ca-west-1": ("aws", "Canada West (Calgary)"),
    "eu-central-1": ("aws", "Europe (Frankfurt)"),
    "eu-central-2": ("aws", "Europe (Zurich)"),
    "eu-west-1": ("aws", "Europe (Ireland)"),
    "eu-west-2": ("aws", "Europe (London)"),
    "eu-west-3": ("aws", "Europe (Paris)"),
    "eu-south-1": ("aws", "Europe (Milan)"),
    "eu-south-2": ("aws", "Europe (Spain)"),
    "eu-north-1": ("aws", "Europe (Stockholm)"),
    "il-central-1": ("aws", "Israel (Tel Aviv)"),
    "me-south-1": ("aws", "Middle East (Bahrain)"),
    "me-central-1": ("aws", "Middle East (UAE)"),
    "mx-central-1": ("aws", "Mexico (Central)"),
    "sa-east-1": ("aws", "South America (Sao Paulo)"),
    # AWS GovCloud (US)
    "us-gov-east-1": ("aws-us-gov", "AWS GovCloud (US-East)"),
    "us-gov-west-1": ("aws-us-gov", "AWS GovCloud (US-West)"),
    # China
    "cn-north-1": ("aws-cn", "China (Beijing)"),
    "cn-northwest-1": ("aws-cn", "China (Ningxia)"),
    # AWS European Sovereign Cloud
    "eusc-de-east-1": ("aws-eusc", "AWS European Sovereign Cloud (Germany)"),
    # Isolated Regions (US and EU classified partitions)
    "us-iso-east-1": ("aws-iso", "US ISO East"),
    "us-iso-west-1": ("aws-iso", "US ISO West"),
    "us-isob-east-1": ("aws-iso-b", "US ISOB East (Ohio)"),
    "us-isob-west-1": ("aws-iso-b", "US ISOB West"),
    "us-isof-east-1": ("aws-iso-f", "US ISOF East"),
    "us-isof-south-1": ("aws-iso-f", "US ISOF South"),
    "eu-isoe-west-1": ("aws-iso-e", "EU ISOE West"),
}


def is_region(code: object) -> bool:
    return isinstance(code, str) and code in REGIONS

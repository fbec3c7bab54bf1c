import pulumi

raise ValueError("the bucket name is missing from config")

"""Entry point the Pulumi engine runs for this policy pack (`pulumi preview --policy-pack .`)."""

from policypack.serving import serve

serve()

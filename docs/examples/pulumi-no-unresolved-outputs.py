import pulumi_aws as aws

table = aws.dynamodb.Table("items", hash_key="id", billing_mode="PAY_PER_REQUEST",
                           attributes=[aws.dynamodb.TableAttributeArgs(name="id", type="S")])

# --- reported
aws.ssm.Parameter("table-name", type="String", value=f"{table.name}")  # the text of an Output
# reported on table-name: `value` holds the text of a Pulumi Output turned into a string ("Calling __str__ on
#   an Output[...]" or "<pulumi.output.Output object at ...>"), not its value: build it with `Output.concat`,
#   `Output.format`, `.apply` or `Output.json_dumps` instead of str() or an f-string.

# --- passes
aws.ssm.Parameter("table-name", type="String", value=table.name)

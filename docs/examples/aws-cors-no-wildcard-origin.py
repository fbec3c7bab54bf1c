import pulumi_aws as aws

# --- reported
api = aws.apigatewayv2.Api("items-api", protocol_type="HTTP",
                           cors_configuration=aws.apigatewayv2.ApiCorsConfigurationArgs(
                               allow_origins=["*"], allow_methods=["GET", "POST"]))
# reported on items-api: `corsConfiguration.allowOrigins` allows any origin ("*"): list the exact https://
#   origins of the web apps that call it (e.g. "https://app.example.com").

# --- passes
api = aws.apigatewayv2.Api("items-api", protocol_type="HTTP",
                           cors_configuration=aws.apigatewayv2.ApiCorsConfigurationArgs(
                               allow_origins=["https://app.example.com"], allow_methods=["GET", "POST"]))

"""function-aws-dynamodb: a Crossplane composition function for DynamoDB tables."""

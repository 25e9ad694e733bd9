"""The version of function-aws-dynamodb."""

__version__ = "0.1.0"

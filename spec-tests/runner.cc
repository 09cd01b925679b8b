// PLACEHOLDER: replaced by the spec runner.

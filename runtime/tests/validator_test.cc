// PLACEHOLDER: replaced by the validator unit tests.

// PLACEHOLDER: replaced by the store unit tests.

// PLACEHOLDER: replaced by the decoder unit tests.

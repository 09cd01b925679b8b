// PLACEHOLDER: replaced by the interpreter unit tests.

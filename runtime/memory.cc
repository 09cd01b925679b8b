// PLACEHOLDER: replaced by the memory and table implementation.

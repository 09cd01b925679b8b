// PLACEHOLDER: replaced by value printing and trap messages.

// PLACEHOLDER: replaced by the spec runner.
int main() { return 1; }

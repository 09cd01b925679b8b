// PLACEHOLDER: replaced by the CLI.
int main() { return 2; }

(module (import "env" "missing" (func)))

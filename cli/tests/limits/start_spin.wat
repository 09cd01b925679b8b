;; A start function that never ends: the budget must stop instantiation.
(module (func $spin (loop $l (br $l))) (start $spin) (func (export "_start")))

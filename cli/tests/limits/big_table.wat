;; Declares a table of 5000 elements: refused under --max-table-elements 1000.
(module (table 5000 funcref) (func (export "_start")))

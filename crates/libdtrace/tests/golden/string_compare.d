/* Comparisons of strings: equality and order. */
BEGIN { a = "alpha"; b = "beta"; trace(a < b); trace(a == b); trace(a >= "al"); exit(0); }

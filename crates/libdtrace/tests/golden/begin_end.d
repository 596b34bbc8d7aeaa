/* BEGIN and END clauses. */
BEGIN { start = timestamp; }
END { printf("%d\n", timestamp - start); }

/* exit() with a computed status. */
BEGIN { exit(1 + 2); }

/* Arithmetic, shifts, bitwise operators and compound assignments. */
BEGIN { x = 7; x += 3; x *= 2; x <<= 1; x %= 13; trace(x / 3 - (x ^ 5) | (x & ~1) >> 1); exit(0); }

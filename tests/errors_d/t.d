BEGIN { x = (int)"a"; }

/* String subroutines: index, strstr, strchr, toupper, lltostr. */
BEGIN { s = "hello, world"; trace(index(s, "o")); trace(strstr(s, "wor")); trace(strchr(s, ',')); trace(toupper(s)); trace(lltostr(-42)); exit(0); }

/* strjoin, strlen and substr. */
BEGIN { s = strjoin("abc", strjoin("-", "def")); trace(strlen(s)); trace(substr(s, 1, 3)); exit(0); }

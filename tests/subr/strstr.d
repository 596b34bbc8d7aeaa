/*
 * strstr(): the suffix from the first match; "" when there is none (where
 * DTrace returns NULL). Needles with self-overlap exercise the fallbacks.
 */
#pragma D option quiet

BEGIN
{
	printf("strstr(\"%s\", \"%s\") = \"%s\"\n", "the quick brown fox", "own", strstr("the quick brown fox", "own"));
	printf("strstr(\"%s\", \"%s\") = \"%s\"\n", "the quick brown fox", "the", strstr("the quick brown fox", "the"));
	printf("strstr(\"%s\", \"%s\") = \"%s\"\n", "the quick brown fox", "fox", strstr("the quick brown fox", "fox"));
	printf("strstr(\"%s\", \"%s\") = \"%s\"\n", "the quick brown fox", "foxes", strstr("the quick brown fox", "foxes"));
	printf("strstr(\"%s\", \"%s\") = \"%s\"\n", "the quick brown fox", "", strstr("the quick brown fox", ""));
	printf("strstr(\"%s\", \"%s\") = \"%s\"\n", "", "", strstr("", ""));
	printf("strstr(\"%s\", \"%s\") = \"%s\"\n", "", "a", strstr("", "a"));
	printf("strstr(\"%s\", \"%s\") = \"%s\"\n", "abcabcabd", "abcabd", strstr("abcabcabd", "abcabd"));
	printf("strstr(\"%s\", \"%s\") = \"%s\"\n", "aaaaab", "aab", strstr("aaaaab", "aab"));
	printf("strstr(\"%s\", \"%s\") = \"%s\"\n", "abababa", "aba", strstr("abababa", "aba"));
	printf("strstr(\"%s\", \"%s\") = \"%s\"\n", "mississippi", "issip", strstr("mississippi", "issip"));
	this->needle = "ssip";
	printf("variable needle: \"%s\"\n", strstr("mississippi", this->needle));
	exit(0);
}

/* toupper() and tolower(): ASCII letters only ('@', '[', '`' and '{'
   border the letters). */
#pragma D option quiet

BEGIN
{
	printf("\"%s\": \"%s\" \"%s\"\n", "Hello, World!", toupper("Hello, World!"), tolower("Hello, World!"));
	printf("\"%s\": \"%s\" \"%s\"\n", "", toupper(""), tolower(""));
	printf("\"%s\": \"%s\" \"%s\"\n", "abcxyzABCXYZ", toupper("abcxyzABCXYZ"), tolower("abcxyzABCXYZ"));
	printf("\"%s\": \"%s\" \"%s\"\n", "@[`{09", toupper("@[`{09"), tolower("@[`{09"));
	printf("\"%s\": \"%s\" \"%s\"\n", "already upper", toupper("already upper"), tolower("already upper"));
	printf("\"%s\": \"%s\" \"%s\"\n", "MiXeD cAsE 123", toupper("MiXeD cAsE 123"), tolower("MiXeD cAsE 123"));
	exit(0);
}

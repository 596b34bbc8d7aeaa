/* json(): selectors, values, escapes and malformed input, after illumos's json tests. */
#pragma D option quiet

BEGIN
{
	printf("\n%s\n", "empty array");
	in = "[]";
	printf("in  |%s|\n", in);
	out = json(in, "0");
	printf("0                               |%s|\n", out != NULL ? out : "<NULL>");
}

BEGIN
{
	printf("\n%s\n", "one integer");
	in = "[1]";
	printf("in  |%s|\n", in);
	out = json(in, "0");
	printf("0                               |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "1");
	printf("1                               |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "100");
	printf("100                             |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "-1");
	printf("-1                              |%s|\n", out != NULL ? out : "<NULL>");
}

BEGIN
{
	printf("\n%s\n", "hex is not JSON");
	in = "[0x1000]";
	printf("in  |%s|\n", in);
	out = json(in, "0");
	printf("0                               |%s|\n", out != NULL ? out : "<NULL>");
}

BEGIN
{
	printf("\n%s\n", "float");
	in = "[1.5001]";
	printf("in  |%s|\n", in);
	out = json(in, "0");
	printf("0                               |%s|\n", out != NULL ? out : "<NULL>");
}

BEGIN
{
	printf("\n%s\n", "float and exponent");
	in = "[16.3e10]";
	printf("in  |%s|\n", in);
	out = json(in, "0");
	printf("0                               |%s|\n", out != NULL ? out : "<NULL>");
}

BEGIN
{
	printf("\n%s\n", "white space");
	in = "[ \t   5\t]";
	printf("in  |%s|\n", in);
	out = json(in, "0");
	printf("0                               |%s|\n", out != NULL ? out : "<NULL>");
}

BEGIN
{
	printf("\n%s\n", "exponent and white space");
	in = "[ \t    \t 16E10  \t ]";
	printf("in  |%s|\n", in);
	out = json(in, "0");
	printf("0                               |%s|\n", out != NULL ? out : "<NULL>");
}

BEGIN
{
	printf("\n%s\n", "string");
	in = "[\"alpha\"]";
	printf("in  |%s|\n", in);
	out = json(in, "0");
	printf("0                               |%s|\n", out != NULL ? out : "<NULL>");
}

BEGIN
{
	printf("\n%s\n", "bracketed index");
	in = "[1,5,10,15,20]";
	printf("in  |%s|\n", in);
	out = json(in, "[0]");
	printf("[0]                             |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "[3]");
	printf("[3]                             |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "[4]");
	printf("[4]                             |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "[5]");
	printf("[5]                             |%s|\n", out != NULL ? out : "<NULL>");
}

BEGIN
{
	printf("\n%s\n", "object in array");
	in = "[ { \"first\": true, \"second\": false }]";
	printf("in  |%s|\n", in);
	out = json(in, "0.first");
	printf("0.first                         |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "0.second");
	printf("0.second                        |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "0.third");
	printf("0.third                         |%s|\n", out != NULL ? out : "<NULL>");
}

BEGIN
{
	printf("\n%s\n", "many integers");
	in = "[0,1,1,2,3,5,8,13,21,34,55,89,144,233,377]";
	printf("in  |%s|\n", in);
	out = json(in, "10");
	printf("10                              |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "14");
	printf("14                              |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "19");
	printf("19                              |%s|\n", out != NULL ? out : "<NULL>");
}

BEGIN
{
	printf("\n%s\n", "mixed types");
	in = "[\"string\",32,true,{\"a\":9,\"b\":false},100.3e10,false,200.5,{\"key\":\"val\"},null]";
	printf("in  |%s|\n", in);
	out = json(in, "0");
	printf("0                               |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "0.notobject");
	printf("0.notobject                     |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "1");
	printf("1                               |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "2");
	printf("2                               |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "3");
	printf("3                               |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "3.a");
	printf("3.a                             |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "3.b");
	printf("3.b                             |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "3.c");
	printf("3.c                             |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "4");
	printf("4                               |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "5");
	printf("5                               |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "6");
	printf("6                               |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "7");
	printf("7                               |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "7.key");
	printf("7.key                           |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "7.key.notobject");
	printf("7.key.notobject                 |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "7.nonexist");
	printf("7.nonexist                      |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "8");
	printf("8                               |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "9");
	printf("9                               |%s|\n", out != NULL ? out : "<NULL>");
}

BEGIN
{
	printf("\n%s\n", "escapes kept as written");
	in = "[\"abcd \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u0000 \\uf00F \", \"final\"]";
	printf("in  |%s|\n", in);
	out = json(in, "0");
	printf("0                               |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "1");
	printf("1                               |%s|\n", out != NULL ? out : "<NULL>");
}

BEGIN
{
	printf("\n%s\n", "bad unicode escape");
	in = "[\"fine here\", \"dodgey \\u00AZ\", \"wont get here\"]";
	printf("in  |%s|\n", in);
	out = json(in, "0");
	printf("0                               |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "1");
	printf("1                               |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "2");
	printf("2                               |%s|\n", out != NULL ? out : "<NULL>");
}

BEGIN
{
	printf("\n%s\n", "nested");
	in = "{ \"top\": { \"mid\"  : { \"legs\": \"feet\" }, \"number\": 9, \"array\":[0,1,{\"a\":true,\"bb\":[1,2,false,{\"x\":\"yz\"}]}]}}";
	printf("in  |%s|\n", in);
	out = json(in, "top");
	printf("top                             |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "fargo");
	printf("fargo                           |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "top.mid");
	printf("top.mid                         |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "top.centre");
	printf("top.centre                      |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "top.mid.legs");
	printf("top.mid.legs                    |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "top.mid.number");
	printf("top.mid.number                  |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "top.mid.array");
	printf("top.mid.array                   |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "top.number");
	printf("top.number                      |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "top.array");
	printf("top.array                       |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "top.array[0]");
	printf("top.array[0]                    |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "top.array[1]");
	printf("top.array[1]                    |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "top.array[2]");
	printf("top.array[2]                    |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "top.array[2].a");
	printf("top.array[2].a                  |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "top.array[2].b");
	printf("top.array[2].b                  |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "top.array[2].bb");
	printf("top.array[2].bb                 |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "top.array[2].bb[0]");
	printf("top.array[2].bb[0]              |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "top.array[2].bb[1]");
	printf("top.array[2].bb[1]              |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "top.array[2].bb[2]");
	printf("top.array[2].bb[2]              |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "top.array[2].bb[3]");
	printf("top.array[2].bb[3]              |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "top.array[2].bb[3].x");
	printf("top.array[2].bb[3].x            |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "top.array[2].bb[3].x.nofurther");
	printf("top.array[2].bb[3].x.nofurther  |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "top.array[2].bb[4]");
	printf("top.array[2].bb[4]              |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "top.array[3]");
	printf("top.array[3]                    |%s|\n", out != NULL ? out : "<NULL>");
}

BEGIN
{
	printf("\n%s\n", "not JSON");
	in = "hello";
	printf("in  |%s|\n", in);
	out = json(in, "0");
	printf("0                               |%s|\n", out != NULL ? out : "<NULL>");
}

BEGIN
{
	printf("\n%s\n", "unbalanced");
	in = "{\"a\":[1,2}";
	printf("in  |%s|\n", in);
	out = json(in, "a");
	printf("a                               |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "b");
	printf("b                               |%s|\n", out != NULL ? out : "<NULL>");
}

BEGIN
{
	printf("\n%s\n", "index read as strtoll");
	in = "[10,11,12]";
	printf("in  |%s|\n", in);
	out = json(in, " 2");
	printf(" 2                              |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "1x");
	printf("1x                              |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "x");
	printf("x                               |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "+1");
	printf("+1                              |%s|\n", out != NULL ? out : "<NULL>");
}

BEGIN
{
	printf("\n%s\n", "key prefix is not the key");
	in = "{\"ab\":1,\"a\":2,\"abc\":3}";
	printf("in  |%s|\n", in);
	out = json(in, "a");
	printf("a                               |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "ab");
	printf("ab                              |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "abc");
	printf("abc                             |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "abcd");
	printf("abcd                            |%s|\n", out != NULL ? out : "<NULL>");
}

BEGIN
{
	printf("\n%s\n", "empty string value");
	in = "{\"e\":\"\",\"n\":null}";
	printf("in  |%s|\n", in);
	out = json(in, "e");
	printf("e                               |%s|\n", out != NULL ? out : "<NULL>");
	out = json(in, "n");
	printf("n                               |%s|\n", out != NULL ? out : "<NULL>");
}

BEGIN
{
	exit(0);
}

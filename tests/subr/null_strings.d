/*
 * strchr(), strrchr(), strstr(), strtok() and json() return NULL when they
 * find nothing; NULL survives assignment to every kind of variable and
 * compares equal to NULL, unlike an empty string.
 */
#pragma D option quiet

BEGIN
{
	g1 = strchr("abcdefghij", 'Z');
	g2 = strstr("ABCDEFGHIJ", "a");
	g3 = g1;
	this->l1 = strrchr("abcdefghij", 'Z');
	this->l2 = this->l1;
	self->t1 = strtok("   ", " ");
	a1[1234] = json("{\"a\":1}", "b");
	e = "";
	found = strchr("abc", 'c');
	printf("NULL: %d %d %d %d %d %d %d\n", g1 == NULL, g2 == NULL, g3 == NULL,
	    this->l1 == NULL, this->l2 == NULL, self->t1 == NULL, a1[1234] == NULL);
	printf("not NULL: %d %d %d %d %d\n", e != NULL, found != NULL, "" != NULL,
	    strchr("abc", 'a') != NULL, NULL != json("[7]", "0"));
	printf("equal: %d %d\n", g1 == g2, g1 == g3);
	printf("[%s] [%s] [%s]\n", g1 != NULL ? g1 : "<NULL>", found, strrchr("a/b/c", '/'));
	exit(0);
}

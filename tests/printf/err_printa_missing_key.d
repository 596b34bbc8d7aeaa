BEGIN
{
	@["a"] = count();
	printa("%s %s %@d\n", @);
}

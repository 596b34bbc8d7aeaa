BEGIN
{
	@["a"] = count();
	printa("%s %@s\n", @);
}

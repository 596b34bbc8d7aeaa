#pragma D option quiet

/*
 * printa() formats: conversions take the keys in order, %@ the
 * aggregation's value with the conversion's flags and width (every %@
 * converts the value again); count() is unsigned, the others signed
 * (dt_printf_validate()'s aggregation type); avg() is the integer mean.
 * A distribution under %@ prints its table where the conversion is.
 */
BEGIN
{
	@c["a"] = count();
	@c["a"] = count();
	@s["a"] = sum(-5);
	@mn["a"] = min(3);
	@mn["a"] = min(-7);
	@mx[1, "x"] = max(9);
	@av["a"] = avg(3);
	@av["a"] = avg(8);
	@l["k"] = lquantize(3, 0, 10, 2);
	printa("%s %@d|%@5d|%@-5d|%@x|%@#o|%@u\n", @c);
	printa("%s %@d|%@u|%@x|%@+d\n", @s);
	printa("%-3s|%@05d\n", @mn);
	printa("%d %s %@'d\n", @mx);
	printa("%s %@d\n", @av);
	printa("[%s]%@d[end]\n", @l);
	exit(0);
}

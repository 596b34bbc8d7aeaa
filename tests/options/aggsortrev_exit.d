/*
 * At exit every unprinted aggregation is printed in one sorted walk, by
 * aggregation first (dt_aggregate_varvalcmp()); aggsortrev reverses that
 * comparison too, so @b comes before @a.
 */
#pragma D option quiet
#pragma D option aggsortrev

BEGIN
{
	@a["x"] = sum(1);
	@a["y"] = sum(2);
	@b["p"] = sum(10);
	@b["q"] = sum(20);
	exit(0);
}

/*
 * String subroutines on a long string (852 bytes) with strsize=1024: their
 * loops stay within the verifier's limits.
 */
#pragma D option quiet

BEGIN
{
	s = "/dir000/dir001/dir002/dir003/dir004/dir005/dir006/dir007/dir008/dir009/dir010/dir011/dir012/dir013/dir014/dir015/dir016/dir017/dir018/dir019/dir020/dir021/dir022/dir023/dir024/dir025/dir026/dir027/dir028/dir029/dir030/dir031/dir032/dir033/dir034/dir035/dir036/dir037/dir038/dir039/dir040/dir041/dir042/dir043/dir044/dir045/dir046/dir047/dir048/dir049/dir050/dir051/dir052/dir053/dir054/dir055/dir056/dir057/dir058/dir059/dir060/dir061/dir062/dir063/dir064/dir065/dir066/dir067/dir068/dir069/dir070/dir071/dir072/dir073/dir074/dir075/dir076/dir077/dir078/dir079/dir080/dir081/dir082/dir083/dir084/dir085/dir086/dir087/dir088/dir089/dir090/dir091/dir092/dir093/dir094/dir095/dir096/dir097/dir098/dir099/dir100/dir101/dir102/dir103/dir104/dir105/dir106/dir107/dir108/dir109/dir110/dir111/dir112/dir113/dir114/dir115/dir116/dir117/dir118/dir119/../file.txt";
	i = 0;
}

tick-1ms
/i == 0/
{
	printf("strlen(s) = %d\n", strlen(s));
}

tick-1ms
/i == 1/
{
	printf("index(s, \"dir119\") = %d\n", index(s, "dir119"));
}

tick-1ms
/i == 2/
{
	printf("rindex(s, \"/dir0\") = %d\n", rindex(s, "/dir0"));
}

tick-1ms
/i == 3/
{
	printf("strstr(s, \"dir118/dir119\") = %s\n", strstr(s, "dir118/dir119"));
}

tick-1ms
/i == 4/
{
	printf("substr(s, -20) = %s\n", substr(s, -20));
}

tick-1ms
/i == 5/
{
	printf("substr(s, 800, 100) = %s\n", substr(s, 800, 100));
}

tick-1ms
{
	i++;
}

tick-1ms
/i == 6/
{
	exit(0);
}

/*
 * The path walk and uregs[] in dtrace's own BEGIN (also run on the 6.1
 * kernel by tests/vm/corpus_6_1.sh, whose verifier checks the walk's
 * callback differently): the root, an absolute working directory, the
 * name of dtrace's executable, a descriptor that is not open, and the
 * user code segment of a 64-bit process.
 */
#pragma D option quiet

BEGIN
{
	printf("root %s\n", root);
	printf("cwd is absolute: %d\n", substr(cwd, 0, 1) == "/");
	printf("exe %s\n", basename(d_path(&curthread->mm->exe_file->f_path)));
	printf("fd 1000: %s %s\n", fds[1000].fi_pathname, fds[1000].fi_mount);
	printf("cs %x\n", uregs[R_CS]);
	exit(0);
}

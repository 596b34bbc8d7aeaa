/*
 * The macros dtrace -C defines on Linux (Oracle libdtrace/dt_open.c and
 * dt_cc.c dt_preproc()): __linux, __unix, __SVR4, __SUNW_D=1,
 * __SUNW_D_64, __SUNW_D_VERSION (D 1.13: 0x0100d000), GCC's own _LP64 and
 * __LP64__; __GNUC__ is undefined, and the C99 mode leaves `linux` and
 * `unix` alone.
 */
#pragma D option quiet

BEGIN
{
#if defined(__linux) && defined(__unix) && defined(__SVR4)
	printf("__linux __unix __SVR4\n");
#endif
	printf("__SUNW_D=%d\n", __SUNW_D);
#ifdef __SUNW_D_64
	printf("__SUNW_D_64\n");
#endif
	printf("__SUNW_D_VERSION=0x%08x\n", __SUNW_D_VERSION);
#if defined(_LP64) && defined(__LP64__)
	printf("_LP64 __LP64__\n");
#endif
#ifdef __GNUC__
	printf("__GNUC__\n");
#endif
#ifdef linux
	printf("linux\n");
#endif
	exit(0);
}

/* An empty clause records the probe (the default action). */
syscall::getpid:entry {}
BEGIN {}

/*
 * json() on a string read from a process: the workload opens a "file"
 * whose name is a JSON log record, as a program logging through a probe
 * would hand one over (illumos's motivating use: filtering log records).
 */
#pragma D option quiet

syscall::openat:entry
/pid == $target/
{
	this->j = copyinstr(arg1);
}

syscall::openat:entry
/pid == $target && json(this->j, "action") != NULL && json(this->j, "action") != "ignore"/
{
	this->index = strtoll(json(this->j, "index"));
	printf("[%d] msg %s size %s odd %s\n", this->index, json(this->j, "msg"),
	    json(this->j, "sizes[2]"), json(this->j, "facts.odd"));
}

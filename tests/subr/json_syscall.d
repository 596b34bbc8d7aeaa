/*
 * json() on a string read from a process: the workload opens a "file"
 * whose name is a JSON log record, as a program logging through a probe
 * would hand one over (illumos's motivating use: filtering log records).
 * The path is read at return: at entry, a path of the dynamic loader's may
 * lie in a page not mapped yet.
 */
#pragma D option quiet

syscall::openat:entry
/pid == $target/
{
	self->path = arg1;
}

syscall::openat:return
/self->path/
{
	this->j = copyinstr(self->path);
	self->path = 0;
}

syscall::openat:return
/pid == $target && json(this->j, "action") != NULL && json(this->j, "action") != "ignore"/
{
	this->index = strtoll(json(this->j, "index"));
	printf("[%d] msg %s size %s odd %s\n", this->index, json(this->j, "msg"),
	    json(this->j, "sizes[2]"), json(this->j, "facts.odd"));
}

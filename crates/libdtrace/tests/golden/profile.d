/* A profile probe: a per-CPU timer, with arg0/arg1. */
profile-997 /arg0/ { @[arg0 != 0] = count(); }

# PENDING (dtrace bug): without privileges real DTrace says
#   dtrace: failed to initialize dtrace: DTrace requires additional privileges
# (dtrace.c: fatal("failed to initialize dtrace: %s\n", dtrace_errmsg(...));
# the line users know from Solaris and macOS). Ours names an internal map:
#   dtrace: failed to create map dt_state (1 entries of 8 bytes): DTrace requires additional privileges
cd /
setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
    "$DTRACE" -q -n 'syscall::getppid:entry { @ = count(); } BEGIN { exit(0); }'
echo "status $?"

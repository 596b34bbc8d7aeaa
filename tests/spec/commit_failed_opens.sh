# The Guide's speculation example (commit_failed_opens.dscript): record
# every openat() speculatively, commit the ones that fail, discard the
# rest. The workload opens a missing file 3 times; its loader's successful
# opens are discarded (LD_LIBRARY_PATH unset so the loader probes nothing).
unset LD_LIBRARY_PATH
"$DTRACE" -s commit_failed_opens.dscript -c "$WORKLOAD open 3 /nonexistent/file" 2>/dev/null
echo "status $?"

# uregs[] at a write() system call's entry (uregs.dscript); the workload's
# own line is left out, as it may come before or after dtrace's.
"$DTRACE" -s uregs.dscript -c "$WORKLOAD --say hello-uregs sleep 0" | grep -v '^hello-uregs$'
echo "status ${PIPESTATUS[0]}"

/* A tick probe, counting and exiting. */
tick-10ms { i++; }
tick-10ms /i == 100/ { exit(0); }

/** Bundle entry of the benchmark (used by gpu-check.sh): the run-time setup, then scripts/bench.ts. */
import './runtime';
import '../bench';

/** Bundle entry of the trainer: the run-time setup, then scripts/train.ts unchanged. */
import './runtime';
import '../train';
